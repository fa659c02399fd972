"""Spanish number and date formats as the administration writes them."""

DATE_FORMAT = "j \\d\\e F \\d\\e Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
# Date and time as the back office prints them ("07/12/2026 16:53"): the admin's lists show
# datetimes with it, and Django's "7 de diciembre de 2026 a las 16:53" took a quarter of a
# 1280 px list per column.
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
