"""Pure business model and rules. Imports only the standard library."""
