"""The review meeting's papers and the public board (``thidua brief``): Word documents, an
Excel workbook and one self-contained HTML page, drawn from :class:`thiduaCLI.results.Brief`.
"""
