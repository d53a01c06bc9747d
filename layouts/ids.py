"""Component ids, one place, kebab-case with a page prefix."""

NAV = "app-nav"
PAGE_CONTAINER = "app-page-container"

START_DATA_DATE = "start-data-date"
START_COUNTS = "start-counts"

DATA_SEARCH = "data-search"
DATA_THEME = "data-theme"
DATA_STATUS = "data-status"
DATA_TABLE = "data-catalog-table"
DATA_COUNT = "data-catalog-count"
DATA_SOURCES = "data-sources"
