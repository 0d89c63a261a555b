"""categories: a value outside its field's `categories` (Table Schema v2), which frictionless 5 ignores.

Performed by the standard engine while it reads; reported only for packages that declare it.
"""

NAME = "categories"
TYPES = ("category-error",)
ENGINE = True
