from flash.mysteps.custom.data import MystepsData  # noqa: F401
from flash.mysteps.custom.model import MystepsTask  # noqa: F401
from flash.mysteps.custom.output import MystepsOutput  # noqa: F401
