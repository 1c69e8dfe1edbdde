"""Sub-commands of the ``hamtriage`` command, one module each (``add_parser`` + ``run``)."""
