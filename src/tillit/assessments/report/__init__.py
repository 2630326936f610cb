"""The report of one assessment, as PDF and XLSX.

Like the procurement documents: `selectors.report_content` gathers what the report says into the
plain dataclasses of `content`, in one language; `pdf` and `xlsx` only lay it out.
"""
