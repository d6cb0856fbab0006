from flash.myclf.classification.data import MyclfData  # noqa: F401
from flash.myclf.classification.model import MyclfClassifier  # noqa: F401
