"""Reading DMS export files: customer_connect's shared table reader
(``customer_connect/tools/table_reader.py``: CSV in any delimiter, UTF-8 or
Latin-1, XLSX and legacy XLS, every cell as text with its line number),
which the payments addon's remittance advices read too."""

from odoo.addons.customer_connect.tools.table_reader import (  # noqa: F401 - the DMS's names
    TableFileError as DmsFileError,
)
from odoo.addons.customer_connect.tools.table_reader import read_file  # noqa: F401

# a column the refused-rows file adds: ignored when the file comes back
ERROR_COLUMN = "Import errors"
