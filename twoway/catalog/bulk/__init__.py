"""Bulk catalogue import (CSV/XLSX) and its template and error report."""
