from flash.mytask.custom.data import MytaskData  # noqa: F401
from flash.mytask.custom.model import MytaskTask  # noqa: F401
from flash.mytask.custom.output import MytaskOutput  # noqa: F401
