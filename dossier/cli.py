"""The command line: a thin click layer over the library functions.

Exit status: 0 success, 1 invalid input, 2 bad usage (click's own convention).
Every error a command raises reaches one handler (`DossierGroup.invoke`), which
prints it in one line and exits with the status the error carries.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .errors import DossierError, UsageError
from .problems import format_report, summary_line
from .validate import validate as run_checks


class DossierGroup(click.Group):
    """The command group, with the one place where errors become messages and exit statuses."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            raise click.UsageError(str(exc)) from None
        except DossierError as exc:
            click.echo(exc.report(), err=True)
            ctx.exit(exc.exit_code)
        except OSError as exc:  # a file the command could not read or write
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"error: {where}{exc.strerror or exc}", err=True)
            ctx.exit(1)

ROOT_OPTION = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="A folder laid out like this repository (evidence/, seeds/, catalog/).",
)


@click.group(cls=DossierGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dossier")
def cli() -> None:
    """Turn reviewed evidence into a sanctions-violation brief."""


@cli.command()
@ROOT_OPTION
@click.option(
    "--format", "fmt", type=click.Choice(["text", "github", "json"]), default="text", show_default=True,
    help="text for people, github for workflow annotations, json for tools.",
)
def validate(root: Path, fmt: str) -> None:
    """Check every record, the source register and the catalog; report all problems at once.

    \b
    Example:
      dossier validate
      dossier validate --root ../other-checkout --format github
    """
    result = run_checks(root)
    click.echo(format_report(result.problems, len(result.records), fmt))
    sys.exit(0 if result.ok else 1)


@cli.command()
@ROOT_OPTION
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder.  [default: ROOT/build]")
@click.option("--provision", "provisions", multiple=True, metavar="ID",
              help="Only findings tagged with this provision (repeatable), e.g. 2397-OP8.")
@click.option("--since", metavar="DATE", help="Only events on or after this partial date (YYYY, YYYY-MM, YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="Only events on or before this partial date.")
@click.option("--status", type=click.Choice(["draft", "reviewed"]), help="Only records with this status.")
@click.option("--formats", default="pdf,html,json", show_default=True,
              help="Comma-separated outputs to write (pdf, html, json).")
def build(root: Path, out: Path | None, provisions: tuple[str, ...], since: str | None, until: str | None,
          status: str | None, formats: str) -> None:
    """Validate, then write the brief: dossier.pdf, dossier.html and dossier.json.

    Refuses to render invalid evidence (exit 1) and leaves the previous outputs untouched;
    each file is written to a temporary name and renamed into place.

    \b
    Examples:
      dossier build
      dossier build --provision 2397-OP8 --since 2024-01 --until 2025-12 --status reviewed --out build/op8
    """
    from .build import build_brief, parse_selection

    wanted = {f.strip() for f in formats.split(",") if f.strip()}
    if not wanted or wanted - {"pdf", "html", "json"}:
        raise click.BadParameter("choose from pdf, html, json", param_hint="--formats")
    report = build_brief(root, out or root / "build", parse_selection(provisions, since, until, status), wanted)
    for path in report.written:
        click.echo(f"wrote {path}")
    click.echo(report.summary, err=True)


@cli.command("schema")
@ROOT_OPTION
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a committed schema is stale.")
def schema_command(root: Path, check: bool) -> None:
    """Write the JSON Schemas: schema/evidence.schema.json and schema/dossier.schema.json.

    Editors read the evidence schema through the modeline at the top of every evidence
    file (hover text, completion, errors as you type); the dossier schema describes
    build/dossier.json for tools. Run it after changing the models, and commit the result.

    \b
    Example:
      dossier schema
      dossier schema --check     # in CI or a pre-commit hook
    """
    from .schema import stale_schemas, write_schemas

    if check:
        stale = stale_schemas(root)
        for path in stale:
            click.echo(f"{path} is stale: run `dossier schema` and commit it", err=True)
        if stale:
            sys.exit(1)
        click.echo("schemas are up to date")
        return
    written = write_schemas(root)
    for path, changed in written:
        click.echo(f"{'wrote' if changed else 'unchanged:'} {path}")


def _slug_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Reject an id that could not be a file name and a record or source id (bad usage, exit 2)."""
    from .new_record import is_slug

    if value is not None and not is_slug(value):
        raise click.BadParameter("use lower-case letters, digits and single hyphens, e.g. daily-nk-workers-donbas")
    return value


@cli.command("add-source")
@ROOT_OPTION
@click.argument("capture", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--outlet", required=True, help="The site the capture was taken from, as it names itself.")
@click.option("--title", help="The headline as captured.")
@click.option("--title-unknown", metavar="REASON", help="Instead of --title, when the capture shows no headline: why.")
@click.option("--authors", "--author", "authors", multiple=True, metavar="NAME",
              help="A byline as captured; repeat for each author. Leave out if the capture shows none.")
@click.option("--published", metavar="DATE",
              help="Publication date as far as the capture shows it: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--url", help="The address, only if the capture shows it; never reconstruct one.")
@click.option("--origin", type=click.Choice(["original reporting", "republication", "wire copy"]),
              default="original reporting", show_default=True, help="How the piece came to be.")
@click.option("--original-outlet", metavar="OUTLET",
              help="With --origin republication: the outlet that first published the piece.")
@click.option("--language", default="en", show_default=True, help="BCP 47 code of the capture's language.")
@click.option("--retrieved", metavar="DATE", help="When you took the capture (YYYY-MM-DD).")
@click.option("--retrieved-by", metavar="WHO", help="Who or what took it: your name, or a tool and its version.")
@click.option("--method", help="How, e.g. 'page text copied from a browser'.")
@click.option("--retrieved-from", metavar="URL", help="The address the capture was taken from.")
@click.option("--url-seen", type=click.Choice(["in the capture", "given by the analyst"]),
              help="With --retrieved-from: is that address shown in the capture itself?")
@click.option("--id", "source_id", callback=_slug_option, metavar="ID",
              help="Id for the new source.  [default: outlet and first words of the title]")
@click.option("--record", metavar="ID_OR_URI",
              help="For a WARC or WACZ web archive: the page to quote, by its WARC-Record-ID or WARC-Target-URI. "
                   "[default: the archive's only page]")
def add_source_command(root: Path, capture: Path, outlet: str, title: str | None, title_unknown: str | None,
                       authors: tuple[str, ...], published: str | None, url: str | None, origin: str,
                       original_outlet: str | None, language: str, retrieved: str | None, retrieved_by: str | None,
                       method: str | None, retrieved_from: str | None, url_seen: str | None,
                       source_id: str | None, record: str | None) -> None:
    """Archive an article capture in seeds/ and register it; print the new source id.

    The file is copied byte for byte and its SHA-256 recorded in seeds/sources.yaml,
    as a new entry appended after the existing ones. Anything not given is recorded
    as unknown with a placeholder reason that `dossier validate` refuses until you
    replace it with the real one, and the entry's notes must say how each field was
    read off the capture. Refuses a capture that is already archived, and never
    overwrites a file (exit 1).

    The kind of capture is detected: text (UTF-8 page text), an HTML page, a PDF, a
    WARC or WACZ web archive, or an image (an exhibit, never quoted). The text of an
    HTML page, a PDF or a web archive's page is extracted and written beside the
    capture as seeds/<capture>.txt: passages are checked against that file. A
    capture that cannot be quoted (a scanned PDF, say) is refused and nothing is
    written.

    \b
    Examples:
      dossier add-source ~/captures/article.txt --outlet "Daily NK" \\
        --title "The headline, as captured" --authors "A. Writer" --published 2024-03 \\
        --retrieved 2026-11-20 --retrieved-by "A. Analyst" --method "page text copied from a browser" \\
        --retrieved-from https://example.org/article --url-seen "given by the analyst"
      dossier add-source ~/captures/page.wacz --record https://example.org/article \\
        --outlet "Daily NK" --title "The headline, as captured"
    """
    from .add_source import SourceMetadata, add_source

    meta = SourceMetadata(outlet=outlet, title=title, authors=authors, published=published, url=url,
                          origin=origin, language=language, original_outlet=original_outlet,
                          title_unknown=title_unknown, retrieved=retrieved, retrieved_by=retrieved_by, method=method,
                          retrieved_from=retrieved_from, url_seen=url_seen)
    added = add_source(root, capture, meta, source_id, record=record)
    verb = "archived" if added.copied else "registered"
    click.echo(f"{verb} {added.capture} (SHA-256 {added.sha256[:16]}...) in seeds/sources.yaml as:", err=True)
    if added.extracted is not None:
        page = f", page record {added.record}" if added.record else ""
        click.echo(f"{added.kind} capture{page}: its text is in {added.extracted} (extractor {added.extractor}); "
                   "passages are checked against that file, so read it before quoting", err=True)
    elif added.kind == "image":
        click.echo("image: archived as an exhibit; records cannot quote it", err=True)
    for flag in added.flags:
        click.echo(f"note: {flag}", err=True)
    if added.page_title and title is None:
        click.echo(f"note: the page's <title> is \u201c{added.page_title}\u201d; if the page shows it as the "
                   "headline, write it as title in seeds/sources.yaml (and remove unknown.title)", err=True)
    click.echo(added.id)


@cli.command("extract")
@ROOT_OPTION
@click.argument("source_ids", nargs=-1, metavar="[SOURCE_ID]...")
@click.option("--all", "every", is_flag=True, help="Every html, pdf, warc and wacz source in the register.")
def extract_command(root: Path, source_ids: tuple[str, ...], every: bool) -> None:
    """Extract a capture's text again: rewrite seeds/<capture>.txt and the entry's extracted block.

    `dossier validate` extracts every HTML, PDF and web-archive capture again on each
    run and fails when the result no longer matches the committed text or extractor
    (after an upgrade of selectolax, pypdfium2 or warcio, say). This command writes
    both again from the unchanged capture; the change then shows in the diff of
    seeds/ for review, and any passage that no longer matches is reported by
    `dossier validate`. Only the extracted block of each entry changes in
    seeds/sources.yaml. The capture itself is never touched (exit 1 if it changed).

    \b
    Examples:
      dossier extract un-poe-report-2024        # one source
      dossier extract --all                     # after upgrading an extractor
      git diff seeds/                           # review what changed
    """
    from .add_source import reextract

    if source_ids and every:
        raise click.BadParameter("give source ids or --all, not both", param_hint="--all")
    results = reextract(root, list(source_ids), every)
    if not results:
        click.echo("no html, pdf, warc or wacz sources in seeds/sources.yaml", err=True)
    for result in results:
        state = "unchanged" if result.drift is None else f"rewritten: {result.drift}"
        click.echo(f"{result.id}: {result.extracted.relative_to(root)} {state}")
        for flag in result.flags:
            click.echo(f"  note: {flag}", err=True)
    if any(result.drift is not None for result in results):
        click.echo("Review the change (git diff seeds/), run `dossier validate`, and commit the extracted text with "
                   "seeds/sources.yaml.", err=True)


@cli.command("new")
@ROOT_OPTION
@click.option("--source", "source_id", required=True, metavar="SOURCE_ID",
              help="The archived article the record quotes (an id from seeds/sources.yaml).")
@click.option("--id", "record_id", callback=_slug_option, metavar="ID",
              help="Id of the new record, also its file name.  [default: SOURCE_ID-1, -2, ...]")
def new_command(root: Path, source_id: str, record_id: str | None) -> None:
    """Start a record: write a commented skeleton to evidence/<id>.yaml and print its path.

    The skeleton fails `dossier validate` until every blank is filled in; the errors
    list what is left. Never overwrites a file (exit 1).

    \b
    Example:
      dossier new --source kyiv-independent-wsj-15000-nk-workers --id kyiv-wsj-15000-workers-sent
    """
    from .new_record import new_record

    path = new_record(root, source_id, record_id)
    click.echo(str(path))
    click.echo("Fill it in, then run `dossier validate`.", err=True)


@cli.command("diff")
@ROOT_OPTION
@click.argument("base", metavar="BASE")
@click.argument("head", metavar="[HEAD]", required=False)
def diff_command(root: Path, base: str, head: str | None) -> None:
    """Summarise in Markdown what changes in the brief between two git revisions.

    BASE and HEAD are git revisions (branch, tag, commit); without HEAD the working
    tree is compared, committed or not. The summary lists records added, removed
    and changed (which fields), sources added, the chapters (provisions) that change,
    and whether HEAD validates. Exit 0 when HEAD is valid, 1 when it is not (the
    summary is printed either way), 2 for an unknown revision or no git checkout.

    \b
    Examples:
      dossier diff origin/main                 # this branch, uncommitted edits included
      dossier diff main my-branch > summary.md
      dossier diff "origin/$GITHUB_BASE_REF" >> "$GITHUB_STEP_SUMMARY"
    """
    from .review.compare import review
    from .review.markdown import review_markdown

    result = review(root, base, head)
    click.echo(review_markdown(result), nl=False)
    sys.exit(0 if result.validation.ok else 1)


@cli.command("stats")
@ROOT_OPTION
def stats_command(root: Path) -> None:
    """Count the evidence: records per provision, source, grade and status, and the dates covered.

    Counts the records that load; when anything is invalid it says so on stderr and
    exits 1 (run `dossier validate` for the details).

    \b
    Example:
      dossier stats
      dossier stats --root ../other-checkout
    """
    from .review.stats import evidence_stats, stats_markdown

    result = run_checks(root)
    click.echo(stats_markdown(evidence_stats(result)), nl=False)
    if not result.ok:
        for problem in result.problems:
            if problem.is_error:
                click.echo(problem.text(), err=True)
        click.echo(f"{summary_line(len(result.records), result.problems)}: the counts leave out what does not "
                   "load", err=True)
        sys.exit(1)


def main() -> None:
    cli(prog_name="dossier")
