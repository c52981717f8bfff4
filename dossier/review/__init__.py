"""What a pull request changes in the brief (`dossier diff`), and what the evidence base holds (`dossier stats`).

- snapshots.py: the brief's input files at a git revision or in the working tree;
- compare.py: two snapshots compared as data (records, sources, chapters, cover);
- markdown.py: the comparison as a pull-request summary, every input escaped;
- stats.py: counts per provision, source, grade and status.
"""
