"""Policy profiles: the national rule sets and regional additions, and the values each area contributes."""
