from flash.myreg.regression.data import MyregData  # noqa: F401
from flash.myreg.regression.model import MyregRegressor  # noqa: F401
from flash.myreg.regression.output import MyregOutput  # noqa: F401
