"""Building the chosen pack's assistant and checking it before anyone talks to it."""

from __future__ import annotations

from relaydesk.assistant.engine import PackAssistant
from relaydesk.assistant.parts import AssistantParts
from relaydesk.pack.checks import check_assistant_parts
from relaydesk.pack.contract import AssistantSetup, Pack
from relaydesk.pack.loader import PackError


def build_pack_parts(pack: Pack, setup: AssistantSetup) -> AssistantParts:
    """The pack's backend prepared and its parts built and checked; PackError otherwise."""
    try:
        pack.prepare_backend(setup.engine)
        parts = pack.build_assistant(setup)
    except PackError:
        raise
    except Exception as error:  # a pack's own data or code failing is the pack's problem
        raise PackError(
            f"The pack '{pack.name}' could not build its assistant: "
            f"{type(error).__name__}: {error}."
        ) from error
    check_assistant_parts(pack.name, parts)
    return parts


def build_pack_assistant(pack: Pack, setup: AssistantSetup) -> PackAssistant:
    return PackAssistant(build_pack_parts(pack, setup))
