"""``python -m resource_catalog``."""

from resource_catalog.cli import main

if __name__ == "__main__":
    main()
