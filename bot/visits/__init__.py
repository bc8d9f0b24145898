"""Visit check-in (issue #14): the use case and the location route."""
