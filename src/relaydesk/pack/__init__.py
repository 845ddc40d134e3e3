"""The pack contract: what a business supplies, how relaydesk finds it, and how it is checked.

Core code depends on this package only; it never imports a pack (`relaydesk.packs.*` or a
business's own package). See docs/packs.md.
"""

from relaydesk.pack.contract import (
    API_VERSION,
    AssistantSetup,
    Branding,
    DemoCustomer,
    DemoParts,
    Pack,
    Persona,
    Personas,
    ScriptedTask,
    ShopPage,
    SimulationParts,
    TaskSuite,
    task_suite,
)
from relaydesk.pack.loader import (
    ENTRY_POINT_GROUP,
    InstalledPack,
    PackError,
    installed_packs,
    load_pack,
)

__all__ = [
    "API_VERSION",
    "ENTRY_POINT_GROUP",
    "AssistantSetup",
    "Branding",
    "DemoCustomer",
    "DemoParts",
    "InstalledPack",
    "Pack",
    "PackError",
    "Persona",
    "Personas",
    "ScriptedTask",
    "ShopPage",
    "SimulationParts",
    "TaskSuite",
    "installed_packs",
    "load_pack",
    "task_suite",
]
