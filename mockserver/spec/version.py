"""The package version, in one place: the effective spec and `--version` both show it."""

VERSION = "0.1.0"
