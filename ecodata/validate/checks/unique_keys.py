"""unique-keys: a duplicate under the schema's `uniqueKeys` (Table Schema v2), which frictionless 5 ignores.

Performed by the standard engine while it reads; reported only for packages that declare it.
"""

NAME = "unique-keys"
TYPES = ("unique-keys",)
ENGINE = True
