"""The BOINC core client's GUI RPC: the XML protocol on TCP 31416.

Being written; see the package documentation.
"""
