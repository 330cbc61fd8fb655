"""schemathesis's coverage phase for one operation, as plain cases.

The coverage phase is where schemathesis sends boundary values, drops required headers and
tries methods the spec does not list (so `missing_required_header`, `unsupported_method` and
the `Allow` checks have something to judge). Its driver is not public API: where this
schemathesis has none, the phase is skipped and the fuzzing phase still runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from schemathesis.generation.modes import GenerationMode

try:
    from schemathesis.generation.drivers import CoverageGenerator
    from schemathesis.generation.feedback import FeedbackSources
    from schemathesis.generation.overrides import Override
except ImportError:  # pragma: no cover - another schemathesis 4.x layout
    CoverageGenerator = None


def coverage_cases(operation: Any, modes: list[GenerationMode]) -> Iterator[Any]:
    """The operation's coverage-phase cases in these modes (none where the driver is missing)."""
    if CoverageGenerator is None:
        return iter(())
    generation = operation.schema.config.generation_for(operation=operation, phase="coverage")
    return iter(
        CoverageGenerator(
            operation=operation,
            generation_modes=modes,
            generation_config=generation,
            auth_storage=None,
            override=Override(),
            feedback=FeedbackSources(),
        )
    )
