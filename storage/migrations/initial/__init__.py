"""The tables of revision 0001 (the initial schema), one module per part of the model; each `create()` is
called by storage/migrations/versions/rev_0001_initial_schema.py in dependency order. Frozen: a later change
to the schema is a new revision, never an edit here."""
