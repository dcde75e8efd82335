"""BOINC's error codes (``lib/error_numbers.h``) and their texts (``boincerror``).

BOINC functions return 0 or a negative ``ERR_*`` code; the GUI RPC carries
them in ``<error_num>`` and ``<status>`` elements, in :class:`FileTransfer`
``status``, and as numeric ``<error>`` texts. :class:`ErrorCode` names them
(``ERR_IN_PROGRESS`` is ``ErrorCode.IN_PROGRESS``) and :func:`boincerror` gives
the text ``boinccmd`` prints for them (``Operation failed: <text>``).
:class:`ExitCode` names the process exit codes of tasks (:class:`Result` and
:class:`OldResult` ``exit_status``).
"""

from __future__ import annotations

from typing import Final

from .._enum import OpenIntEnum

__all__ = ["ErrorCode", "ExitCode", "boincerror"]


class ErrorCode(OpenIntEnum):
    """A BOINC error code: ``ERR_*`` without its prefix, ``BOINC_SUCCESS`` as SUCCESS.

    The HTTP statuses that :func:`boincerror` knows are members too, under
    their C names (``HTTP_STATUS_NOT_FOUND``); other values become
    ``UNKNOWN_MINUS_<n>``/``UNKNOWN_<n>`` pseudo-members that still equal ``n``.
    Each member's comment gives its C name and its :func:`boincerror` text.
    """

    #: ``BOINC_SUCCESS`` — "Success"
    SUCCESS = 0
    #: ``ERR_SELECT`` — "select() failed"
    SELECT = -100
    #: ``ERR_MALLOC`` — "malloc() failed"
    MALLOC = -101
    #: ``ERR_READ`` — "read() failed"
    READ = -102
    #: ``ERR_WRITE`` — "write() failed"
    WRITE = -103
    #: ``ERR_FREAD`` — "fread() failed"
    FREAD = -104
    #: ``ERR_FWRITE`` — "fwrite() failed"
    FWRITE = -105
    #: ``ERR_IO`` — "system I/O error"
    IO = -106
    #: ``ERR_CONNECT`` — "connect() failed"
    CONNECT = -107
    #: ``ERR_FOPEN`` — "fopen() failed"
    FOPEN = -108
    #: ``ERR_RENAME`` — "rename() failed"
    RENAME = -109
    #: ``ERR_UNLINK`` — "unlink() failed"
    UNLINK = -110
    #: ``ERR_OPENDIR`` — "opendir() failed"
    OPENDIR = -111
    #: ``ERR_XML_PARSE`` — "unexpected XML tag or syntax" (Unexpected XML tag or XML format)
    XML_PARSE = -112
    #: ``ERR_GETHOSTBYNAME`` — "can't resolve hostname" (Couldn't resolve hostname)
    GETHOSTBYNAME = -113
    #: ``ERR_GIVEUP_DOWNLOAD`` — "file download timed out" (no progress for too long, or a 404 from the server)
    GIVEUP_DOWNLOAD = -114
    #: ``ERR_GIVEUP_UPLOAD`` — "file upload timed out"
    GIVEUP_UPLOAD = -115
    #: ``ERR_NULL`` — "unexpected null pointer" (unexpected NULL pointer)
    NULL = -116
    #: ``ERR_NEG`` — "unexpected negative value" (unexpected negative value)
    NEG = -117
    #: ``ERR_BUFFER_OVERFLOW`` — "buffer overflow" (caught buffer overflow)
    BUFFER_OVERFLOW = -118
    #: ``ERR_MD5_FAILED`` — "md5 checksum failed for file" (MD5 checksum failed for a file)
    MD5_FAILED = -119
    #: ``ERR_RSA_FAILED`` — "RSA key check failed for file" (RSA key check failed for a file)
    RSA_FAILED = -120
    #: ``ERR_OPEN`` — "open() failed"
    OPEN = -121
    #: ``ERR_DUP2`` — "dup() failed"
    DUP2 = -122
    #: ``ERR_NO_SIGNATURE`` — "no signature"
    NO_SIGNATURE = -123
    #: ``ERR_THREAD`` — "thread failure" (Error creating a thread)
    THREAD = -124
    #: ``ERR_SIGNAL_CATCH`` — "caught signal"
    SIGNAL_CATCH = -125
    #: ``ERR_BAD_FORMAT`` — "bad file format"
    BAD_FORMAT = -126
    #: ``ERR_UPLOAD_TRANSIENT`` — "transient upload error"
    UPLOAD_TRANSIENT = -127
    #: ``ERR_UPLOAD_PERMANENT`` — "permanent upload error"
    UPLOAD_PERMANENT = -128
    #: ``ERR_IDLE_PERIOD`` — "user preferences say can't start work" (can't start work because of user prefs)
    IDLE_PERIOD = -129
    #: ``ERR_ALREADY_ATTACHED`` — "already attached to project"
    ALREADY_ATTACHED = -130
    #: ``ERR_FILE_TOO_BIG`` — "file size too big" (an output file was bigger than max_nbytes)
    FILE_TOO_BIG = -131
    #: ``ERR_GETRUSAGE`` — "getrusage() failed" (getrusage failed)
    GETRUSAGE = -132
    #: ``ERR_BENCHMARK_FAILED`` — "benchmark failed"
    BENCHMARK_FAILED = -133
    #: ``ERR_BAD_HEX_FORMAT`` — "hex format key data bad" (hex-format key data is bad)
    BAD_HEX_FORMAT = -134
    #: ``ERR_GETADDRINFO`` — "getaddrinfo() failed"
    GETADDRINFO = -135
    #: ``ERR_DB_NOT_FOUND`` — "no database rows found in lookup/enumerate" (no rows found in lookup() or enumerate())
    DB_NOT_FOUND = -136
    #: ``ERR_DB_NOT_UNIQUE`` — "database lookup not unique" (not unique in lookup())
    DB_NOT_UNIQUE = -137
    #: ``ERR_DB_CANT_CONNECT`` — "can't connect to database"
    DB_CANT_CONNECT = -138
    #: ``ERR_GETS`` — "gets()/fgets() failed" (gets() or fgets())
    GETS = -139
    #: ``ERR_SCANF`` — "scanf()/fscanf() failed" (scanf() or fscanf())
    SCANF = -140
    #: ``ERR_READDIR`` — "readdir() failed"
    READDIR = -143
    #: ``ERR_SHMGET`` — "shmget() failed"
    SHMGET = -144
    #: ``ERR_SHMCTL`` — "shmctl() failed"
    SHMCTL = -145
    #: ``ERR_SHMAT`` — "shmat() failed"
    SHMAT = -146
    #: ``ERR_FORK`` — "fork() failed"
    FORK = -147
    #: ``ERR_EXEC`` — "exec() failed"
    EXEC = -148
    #: ``ERR_NOT_EXITED`` — "process didn't exit" (a process didn't exit that was supposed to)
    NOT_EXITED = -149
    #: ``ERR_NOT_IMPLEMENTED`` — "system call not implemented" (a system call not implemented on this platform)
    NOT_IMPLEMENTED = -150
    #: ``ERR_GETHOSTNAME`` — "gethostname() failed"
    GETHOSTNAME = -151
    #: ``ERR_NETOPEN`` — "netopen() failed"
    NETOPEN = -152
    #: ``ERR_SOCKET`` — "socket() failed"
    SOCKET = -153
    #: ``ERR_FCNTL`` — "fcntl() failed"
    FCNTL = -154
    #: ``ERR_AUTHENTICATOR`` — "authentication error" (scheduler request host ID doesn't match authenticator)
    AUTHENTICATOR = -155
    #: ``ERR_SCHED_SHMEM`` — "scheduler shared memory contents bad" (sched shmem has bad contents)
    SCHED_SHMEM = -156
    #: ``ERR_ASYNCSELECT`` — "async select() failed"
    ASYNCSELECT = -157
    #: ``ERR_BAD_RESULT_STATE`` — "bad result state"
    BAD_RESULT_STATE = -158
    #: ``ERR_DB_CANT_INIT`` — "can't init database"
    DB_CANT_INIT = -159
    #: ``ERR_NOT_UNIQUE`` — "state files have redundant entries" (state files had redundant entries)
    NOT_UNIQUE = -160
    #: ``ERR_NOT_FOUND`` — "not found" (catch-all lookup error)
    NOT_FOUND = -161
    #: ``ERR_NO_EXIT_STATUS`` — "no exit status in scheduler request" (exit_status not found in scheduler request)
    NO_EXIT_STATUS = -162
    #: ``ERR_FILE_MISSING`` — "file missing"
    FILE_MISSING = -163
    #: ``ERR_KILL`` — "kill() or TerminateProcess() failed"
    KILL = -164
    #: ``ERR_SEMGET`` — "semget() failed"
    SEMGET = -165
    #: ``ERR_SEMCTL`` — "semctl() failed"
    SEMCTL = -166
    #: ``ERR_SEMOP`` — "semop() failed"
    SEMOP = -167
    #: ``ERR_FTOK`` — "ftok() failed"
    FTOK = -168
    #: ``ERR_SOCKS_UNKNOWN_FAILURE`` — "SOCKS — unknown error"
    SOCKS_UNKNOWN_FAILURE = -169
    #: ``ERR_SOCKS_REQUEST_FAILED`` — "SOCKS — request failed"
    SOCKS_REQUEST_FAILED = -170
    #: ``ERR_SOCKS_BAD_USER_PASS`` — "SOCKS — bad user password"
    SOCKS_BAD_USER_PASS = -171
    #: ``ERR_SOCKS_UNKNOWN_SERVER_VERSION`` — "SOCKS — unknown server version"
    SOCKS_UNKNOWN_SERVER_VERSION = -172
    #: ``ERR_SOCKS_UNSUPPORTED`` — "SOCKS — unsupported"
    SOCKS_UNSUPPORTED = -173
    #: ``ERR_SOCKS_CANT_REACH_HOST`` — "SOCKS — can't reach host"
    SOCKS_CANT_REACH_HOST = -174
    #: ``ERR_SOCKS_CONN_REFUSED`` — "SOCKS — connection refused"
    SOCKS_CONN_REFUSED = -175
    #: ``ERR_TIMER_INIT`` — "timer init"
    TIMER_INIT = -176
    #: ``ERR_INVALID_PARAM`` — "invalid parameter"
    INVALID_PARAM = -178
    #: ``ERR_SIGNAL_OP`` — "signal op"
    SIGNAL_OP = -179
    #: ``ERR_BIND`` — "bind() failed"
    BIND = -180
    #: ``ERR_LISTEN`` — "listen() failed"
    LISTEN = -181
    #: ``ERR_TIMEOUT`` — "timeout"
    TIMEOUT = -182
    #: ``ERR_PROJECT_DOWN`` — "project down"
    PROJECT_DOWN = -183
    #: ``ERR_HTTP_TRANSIENT`` — "transient HTTP error" (HTTP errors other than 404 and 416)
    HTTP_TRANSIENT = -184
    #: ``ERR_RESULT_START`` — "result start failed"
    RESULT_START = -185
    #: ``ERR_RESULT_DOWNLOAD`` — "result download failed"
    RESULT_DOWNLOAD = -186
    #: ``ERR_RESULT_UPLOAD`` — "result upload failed"
    RESULT_UPLOAD = -187
    #: ``ERR_BAD_USER_NAME`` — "bad username"
    BAD_USER_NAME = -188
    #: ``ERR_INVALID_URL`` — "invalid URL"
    INVALID_URL = -189
    #: ``ERR_MAJOR_VERSION`` — "bad major version"
    MAJOR_VERSION = -190
    #: ``ERR_NO_OPTION`` — "no option"
    NO_OPTION = -191
    #: ``ERR_MKDIR`` — "mkdir() failed"
    MKDIR = -192
    #: ``ERR_INVALID_EVENT`` — "invalid event"
    INVALID_EVENT = -193
    #: ``ERR_ALREADY_RUNNING`` — "already running"
    ALREADY_RUNNING = -194
    #: ``ERR_NO_APP_VERSION`` — "no app version"
    NO_APP_VERSION = -195
    #: ``ERR_WU_USER_RULE`` — "user already did result for this workunit"
    WU_USER_RULE = -196
    #: ``ERR_ABORTED_VIA_GUI`` — "result aborted via GUI"
    ABORTED_VIA_GUI = -197
    #: ``ERR_INSUFFICIENT_RESOURCE`` — "insufficient resources"
    INSUFFICIENT_RESOURCE = -198
    #: ``ERR_RETRY`` — "retry"
    RETRY = -199
    #: ``ERR_WRONG_SIZE`` — "wrong buffer size" (before 7.22.1 — "wrong size")
    WRONG_SIZE = -200
    #: ``ERR_USER_PERMISSION`` — "user permission" (e.g. user didn't allow network connection)
    USER_PERMISSION = -201
    #: ``ERR_SHMEM_NAME`` — "can't get shared mem segment name"
    SHMEM_NAME = -202
    #: ``ERR_NO_NETWORK_CONNECTION`` — "no available network connection"
    NO_NETWORK_CONNECTION = -203
    #: ``ERR_IN_PROGRESS`` — "operation in progress"
    IN_PROGRESS = -204
    #: ``ERR_BAD_EMAIL_ADDR`` — "bad email address"
    BAD_EMAIL_ADDR = -205
    #: ``ERR_BAD_PASSWD`` — "bad password"
    BAD_PASSWD = -206
    #: ``ERR_NONUNIQUE_EMAIL`` — "email already registered"
    NONUNIQUE_EMAIL = -207
    #: ``ERR_ACCT_CREATION_DISABLED`` — "account creation disabled"
    ACCT_CREATION_DISABLED = -208
    #: ``ERR_ATTACH_FAIL_INIT`` — "Couldn't start master page download"
    ATTACH_FAIL_INIT = -209
    #: ``ERR_ATTACH_FAIL_DOWNLOAD`` — "Couldn't download master page"
    ATTACH_FAIL_DOWNLOAD = -210
    #: ``ERR_ATTACH_FAIL_PARSE`` — "Couldn't parse master page"
    ATTACH_FAIL_PARSE = -211
    #: ``ERR_ATTACH_FAIL_BAD_KEY`` — "Invalid account key"
    ATTACH_FAIL_BAD_KEY = -212
    #: ``ERR_ATTACH_FAIL_FILE_WRITE`` — "Couldn't write account file"
    ATTACH_FAIL_FILE_WRITE = -213
    #: ``ERR_ATTACH_FAIL_SERVER_ERROR`` — "Couldn't attach because of server error"
    ATTACH_FAIL_SERVER_ERROR = -214
    #: ``ERR_SIGNING_KEY`` — "signing key failure"
    SIGNING_KEY = -215
    #: ``ERR_FFLUSH`` — "fflush() failed"
    FFLUSH = -216
    #: ``ERR_FSYNC`` — "fsync() failed"
    FSYNC = -217
    #: ``ERR_TRUNCATE`` — "truncate() failed"
    TRUNCATE = -218
    #: ``ERR_WRONG_URL`` — "wrong URL"
    WRONG_URL = -219
    #: ``ERR_DUP_NAME`` — "coprocs with duplicate names detected"
    DUP_NAME = -220
    #: ``ERR_FILE_WRONG_SIZE`` — "file has the wrong size" (7.22.1+)
    FILE_WRONG_SIZE = -221
    #: ``ERR_GETGRNAM`` — "getgrnam() failed"
    GETGRNAM = -222
    #: ``ERR_CHOWN`` — "chown() failed"
    CHOWN = -223
    #: ``ERR_HTTP_PERMANENT`` — "permanent HTTP error" (represents HTTP 404 or 416 error)
    HTTP_PERMANENT = -224
    #: ``ERR_BAD_FILENAME`` — "file name is empty or has '..'"
    BAD_FILENAME = -225
    #: ``ERR_TOO_MANY_EXITS`` — "application exited too many times"
    TOO_MANY_EXITS = -226
    #: ``ERR_RMDIR`` — "rmdir() failed"
    RMDIR = -227
    #: ``ERR_SYMLINK`` — "symlink() failed"
    SYMLINK = -229
    #: ``ERR_DB_CONN_LOST`` — "DB connection lost during enumeration"
    DB_CONN_LOST = -230
    #: ``ERR_CRYPTO`` — "encryption error"
    CRYPTO = -231
    #: ``ERR_ABORTED_ON_EXIT`` — "job was aborted on client exit"
    ABORTED_ON_EXIT = -232
    #: ``ERR_PROC_PARSE`` — "a /proc entry was not parsed correctly"
    PROC_PARSE = -235
    #: ``ERR_STATFS`` — "statfs() failed"
    STATFS = -236
    #: ``ERR_PIPE`` — "pipe() failed"
    PIPE = -237
    #: ``ERR_NEED_HTTPS`` — "HTTPS needed"
    NEED_HTTPS = -238
    #: ``ERR_CHMOD`` — "chmod() failed"
    CHMOD = -239
    #: ``ERR_STAT`` — "stat() failed" (or fstat())
    STAT = -240
    #: ``ERR_FCLOSE`` — "fclose() failed"
    FCLOSE = -241
    #: ``ERR_ACCT_REQUIRE_CONSENT`` — "This project requires to consent to its terms of use"
    ACCT_REQUIRE_CONSENT = -242
    #: ``ERR_INVALID_STATE`` — "invalid state"
    INVALID_STATE = -243
    #: ``ERR_MMAP`` — "mmap() failed" (8.2.10+)
    MMAP = -244
    #: ``HTTP_STATUS_NOT_FOUND`` — "HTTP file not found"
    HTTP_STATUS_NOT_FOUND = 404
    #: ``HTTP_STATUS_PROXY_AUTH_REQ`` — "HTTP proxy authentication failure"
    HTTP_STATUS_PROXY_AUTH_REQ = 407
    #: ``HTTP_STATUS_RANGE_REQUEST_ERROR`` — "HTTP range request error"
    HTTP_STATUS_RANGE_REQUEST_ERROR = 416
    #: ``HTTP_STATUS_EXPECTATION_FAILED`` — "HTTP expectation failed"
    HTTP_STATUS_EXPECTATION_FAILED = 417
    #: ``HTTP_STATUS_INTERNAL_SERVER_ERROR`` — "HTTP internal server error"
    HTTP_STATUS_INTERNAL_SERVER_ERROR = 500
    #: ``HTTP_STATUS_NOT_IMPLEMENTED`` — "HTTP not implemented"
    HTTP_STATUS_NOT_IMPLEMENTED = 501
    #: ``HTTP_STATUS_BAD_GATEWAY`` — "HTTP bad gateway"
    HTTP_STATUS_BAD_GATEWAY = 502
    #: ``HTTP_STATUS_SERVICE_UNAVAILABLE`` — "HTTP service unavailable"
    HTTP_STATUS_SERVICE_UNAVAILABLE = 503
    #: ``HTTP_STATUS_GATEWAY_TIMEOUT`` — "HTTP gateway timeout"
    HTTP_STATUS_GATEWAY_TIMEOUT = 504


class ExitCode(OpenIntEnum):
    """A task's exit code set by the client or the BOINC API (``EXIT_*`` without its prefix).

    These are process exit statuses (192 up, above the range Unix uses), not
    function return values; other exit statuses are the application's own.
    """

    #: ``EXIT_STATEFILE_WRITE`` — client exit when can't write statefile
    STATEFILE_WRITE = 192
    #: ``EXIT_SIGNAL`` — app was killed by signal
    SIGNAL = 193
    #: ``EXIT_ABORTED_BY_CLIENT``
    ABORTED_BY_CLIENT = 194
    #: ``EXIT_CHILD_FAILED``
    CHILD_FAILED = 195
    #: ``EXIT_DISK_LIMIT_EXCEEDED``
    DISK_LIMIT_EXCEEDED = 196
    #: ``EXIT_TIME_LIMIT_EXCEEDED``
    TIME_LIMIT_EXCEEDED = 197
    #: ``EXIT_MEM_LIMIT_EXCEEDED``
    MEM_LIMIT_EXCEEDED = 198
    #: ``EXIT_CLIENT_EXITING``
    CLIENT_EXITING = 199
    #: ``EXIT_UNSTARTED_LATE``
    UNSTARTED_LATE = 200
    #: ``EXIT_MISSING_COPROC``
    MISSING_COPROC = 201
    #: ``EXIT_ABORTED_BY_PROJECT``
    ABORTED_BY_PROJECT = 202
    #: ``EXIT_ABORTED_VIA_GUI``
    ABORTED_VIA_GUI = 203
    #: ``EXIT_UNKNOWN``
    UNKNOWN = 204
    #: ``EXIT_OUT_OF_MEMORY``
    OUT_OF_MEMORY = 205
    #: ``EXIT_INIT_FAILURE``
    INIT_FAILURE = 206
    #: ``EXIT_NO_SUB_TASKS``
    NO_SUB_TASKS = 207
    #: ``EXIT_SUB_TASK_FAILURE``
    SUB_TASK_FAILURE = 208
    #: ``EXIT_OVERDUE_EXCEEDED``
    OVERDUE_EXCEEDED = 209


#: ``boincerror()`` of the newest release, by code.
_TEXTS: Final[dict[int, str]] = {
    ErrorCode.SUCCESS: "Success",
    ErrorCode.SELECT: "select() failed",
    ErrorCode.MALLOC: "malloc() failed",
    ErrorCode.READ: "read() failed",
    ErrorCode.WRITE: "write() failed",
    ErrorCode.FREAD: "fread() failed",
    ErrorCode.FWRITE: "fwrite() failed",
    ErrorCode.IO: "system I/O error",
    ErrorCode.CONNECT: "connect() failed",
    ErrorCode.FOPEN: "fopen() failed",
    ErrorCode.RENAME: "rename() failed",
    ErrorCode.UNLINK: "unlink() failed",
    ErrorCode.OPENDIR: "opendir() failed",
    ErrorCode.XML_PARSE: "unexpected XML tag or syntax",
    ErrorCode.GETHOSTBYNAME: "can't resolve hostname",
    ErrorCode.GIVEUP_DOWNLOAD: "file download timed out",
    ErrorCode.GIVEUP_UPLOAD: "file upload timed out",
    ErrorCode.NULL: "unexpected null pointer",
    ErrorCode.NEG: "unexpected negative value",
    ErrorCode.BUFFER_OVERFLOW: "buffer overflow",
    ErrorCode.MD5_FAILED: "md5 checksum failed for file",
    ErrorCode.RSA_FAILED: "RSA key check failed for file",
    ErrorCode.OPEN: "open() failed",
    ErrorCode.DUP2: "dup() failed",
    ErrorCode.NO_SIGNATURE: "no signature",
    ErrorCode.THREAD: "thread failure",
    ErrorCode.SIGNAL_CATCH: "caught signal",
    ErrorCode.BAD_FORMAT: "bad file format",
    ErrorCode.UPLOAD_TRANSIENT: "transient upload error",
    ErrorCode.UPLOAD_PERMANENT: "permanent upload error",
    ErrorCode.IDLE_PERIOD: "user preferences say can't start work",
    ErrorCode.ALREADY_ATTACHED: "already attached to project",
    ErrorCode.FILE_TOO_BIG: "file size too big",
    ErrorCode.GETRUSAGE: "getrusage() failed",
    ErrorCode.BENCHMARK_FAILED: "benchmark failed",
    ErrorCode.BAD_HEX_FORMAT: "hex format key data bad",
    ErrorCode.GETADDRINFO: "getaddrinfo() failed",
    ErrorCode.DB_NOT_FOUND: "no database rows found in lookup/enumerate",
    ErrorCode.DB_NOT_UNIQUE: "database lookup not unique",
    ErrorCode.DB_CANT_CONNECT: "can't connect to database",
    ErrorCode.GETS: "gets()/fgets() failed",
    ErrorCode.SCANF: "scanf()/fscanf() failed",
    ErrorCode.READDIR: "readdir() failed",
    ErrorCode.SHMGET: "shmget() failed",
    ErrorCode.SHMCTL: "shmctl() failed",
    ErrorCode.SHMAT: "shmat() failed",
    ErrorCode.FORK: "fork() failed",
    ErrorCode.EXEC: "exec() failed",
    ErrorCode.NOT_EXITED: "process didn't exit",
    ErrorCode.NOT_IMPLEMENTED: "system call not implemented",
    ErrorCode.GETHOSTNAME: "gethostname() failed",
    ErrorCode.NETOPEN: "netopen() failed",
    ErrorCode.SOCKET: "socket() failed",
    ErrorCode.FCNTL: "fcntl() failed",
    ErrorCode.AUTHENTICATOR: "authentication error",
    ErrorCode.SCHED_SHMEM: "scheduler shared memory contents bad",
    ErrorCode.ASYNCSELECT: "async select() failed",
    ErrorCode.BAD_RESULT_STATE: "bad result state",
    ErrorCode.DB_CANT_INIT: "can't init database",
    ErrorCode.NOT_UNIQUE: "state files have redundant entries",
    ErrorCode.NOT_FOUND: "not found",
    ErrorCode.NO_EXIT_STATUS: "no exit status in scheduler request",
    ErrorCode.FILE_MISSING: "file missing",
    ErrorCode.KILL: "kill() or TerminateProcess() failed",
    ErrorCode.SEMGET: "semget() failed",
    ErrorCode.SEMCTL: "semctl() failed",
    ErrorCode.SEMOP: "semop() failed",
    ErrorCode.FTOK: "ftok() failed",
    ErrorCode.SOCKS_UNKNOWN_FAILURE: "SOCKS: unknown error",
    ErrorCode.SOCKS_REQUEST_FAILED: "SOCKS: request failed",
    ErrorCode.SOCKS_BAD_USER_PASS: "SOCKS: bad user password",
    ErrorCode.SOCKS_UNKNOWN_SERVER_VERSION: "SOCKS: unknown server version",
    ErrorCode.SOCKS_UNSUPPORTED: "SOCKS: unsupported",
    ErrorCode.SOCKS_CANT_REACH_HOST: "SOCKS: can't reach host",
    ErrorCode.SOCKS_CONN_REFUSED: "SOCKS: connection refused",
    ErrorCode.TIMER_INIT: "timer init",
    ErrorCode.INVALID_PARAM: "invalid parameter",
    ErrorCode.SIGNAL_OP: "signal op",
    ErrorCode.BIND: "bind() failed",
    ErrorCode.LISTEN: "listen() failed",
    ErrorCode.TIMEOUT: "timeout",
    ErrorCode.PROJECT_DOWN: "project down",
    ErrorCode.RESULT_START: "result start failed",
    ErrorCode.RESULT_DOWNLOAD: "result download failed",
    ErrorCode.RESULT_UPLOAD: "result upload failed",
    ErrorCode.BAD_USER_NAME: "bad username",
    ErrorCode.INVALID_URL: "invalid URL",
    ErrorCode.MAJOR_VERSION: "bad major version",
    ErrorCode.NO_OPTION: "no option",
    ErrorCode.MKDIR: "mkdir() failed",
    ErrorCode.INVALID_EVENT: "invalid event",
    ErrorCode.ALREADY_RUNNING: "already running",
    ErrorCode.NO_APP_VERSION: "no app version",
    ErrorCode.WU_USER_RULE: "user already did result for this workunit",
    ErrorCode.ABORTED_VIA_GUI: "result aborted via GUI",
    ErrorCode.INSUFFICIENT_RESOURCE: "insufficient resources",
    ErrorCode.RETRY: "retry",
    ErrorCode.WRONG_SIZE: "wrong buffer size",
    ErrorCode.USER_PERMISSION: "user permission",
    ErrorCode.BAD_EMAIL_ADDR: "bad email address",
    ErrorCode.BAD_PASSWD: "bad password",
    ErrorCode.SHMEM_NAME: "can't get shared mem segment name",
    ErrorCode.NO_NETWORK_CONNECTION: "no available network connection",
    ErrorCode.IN_PROGRESS: "operation in progress",
    ErrorCode.NONUNIQUE_EMAIL: "email already registered",
    ErrorCode.ACCT_CREATION_DISABLED: "account creation disabled",
    ErrorCode.ATTACH_FAIL_INIT: "Couldn't start master page download",
    ErrorCode.ATTACH_FAIL_DOWNLOAD: "Couldn't download master page",
    ErrorCode.ATTACH_FAIL_PARSE: "Couldn't parse master page",
    ErrorCode.ATTACH_FAIL_BAD_KEY: "Invalid account key",
    ErrorCode.ATTACH_FAIL_FILE_WRITE: "Couldn't write account file",
    ErrorCode.ATTACH_FAIL_SERVER_ERROR: "Couldn't attach because of server error",
    ErrorCode.SIGNING_KEY: "signing key failure",
    ErrorCode.FFLUSH: "fflush() failed",
    ErrorCode.FSYNC: "fsync() failed",
    ErrorCode.TRUNCATE: "truncate() failed",
    ErrorCode.WRONG_URL: "wrong URL",
    ErrorCode.DUP_NAME: "coprocs with duplicate names detected",
    ErrorCode.FILE_WRONG_SIZE: "file has the wrong size",
    ErrorCode.GETGRNAM: "getgrnam() failed",
    ErrorCode.CHOWN: "chown() failed",
    ErrorCode.HTTP_PERMANENT: "permanent HTTP error",
    ErrorCode.HTTP_TRANSIENT: "transient HTTP error",
    ErrorCode.BAD_FILENAME: "file name is empty or has '..'",
    ErrorCode.TOO_MANY_EXITS: "application exited too many times",
    ErrorCode.RMDIR: "rmdir() failed",
    ErrorCode.SYMLINK: "symlink() failed",
    ErrorCode.DB_CONN_LOST: "DB connection lost during enumeration",
    ErrorCode.CRYPTO: "encryption error",
    ErrorCode.ABORTED_ON_EXIT: "job was aborted on client exit",
    ErrorCode.PROC_PARSE: "a /proc entry was not parsed correctly",
    ErrorCode.STATFS: "statfs() failed",
    ErrorCode.PIPE: "pipe() failed",
    ErrorCode.NEED_HTTPS: "HTTPS needed",
    ErrorCode.CHMOD: "chmod() failed",
    ErrorCode.STAT: "stat() failed",
    ErrorCode.FCLOSE: "fclose() failed",
    ErrorCode.INVALID_STATE: "invalid state",
    ErrorCode.MMAP: "mmap() failed",
    ErrorCode.HTTP_STATUS_NOT_FOUND: "HTTP file not found",
    ErrorCode.HTTP_STATUS_PROXY_AUTH_REQ: "HTTP proxy authentication failure",
    ErrorCode.HTTP_STATUS_RANGE_REQUEST_ERROR: "HTTP range request error",
    ErrorCode.HTTP_STATUS_EXPECTATION_FAILED: "HTTP expectation failed",
    ErrorCode.HTTP_STATUS_INTERNAL_SERVER_ERROR: "HTTP internal server error",
    ErrorCode.HTTP_STATUS_NOT_IMPLEMENTED: "HTTP not implemented",
    ErrorCode.HTTP_STATUS_BAD_GATEWAY: "HTTP bad gateway",
    ErrorCode.HTTP_STATUS_SERVICE_UNAVAILABLE: "HTTP service unavailable",
    ErrorCode.HTTP_STATUS_GATEWAY_TIMEOUT: "HTTP gateway timeout",
    ErrorCode.ACCT_REQUIRE_CONSENT: "This project requires to consent to its terms of use",
}


def boincerror(code: int, version: tuple[int, int, int] | None = None) -> str:
    """BOINC's text for an error code (``boincerror`` of ``lib/str_util.cpp``); ``Error <n>`` if it has none.

    Args:
        code: the code (an :class:`ErrorCode` or a plain int).
        version: the BOINC release whose text to give, as ``(major, minor, release)``;
            ``None`` for the newest. Before 7.22.1 -200 reads "wrong size" and -221
            has no text; before 8.2.10 -244 has no text. ``boinccmd`` 7.20.5 prints
            the texts of ``(7, 20, 5)``.
    """
    value = int(code)
    if version is not None:
        release = tuple(version)
        if release < (7, 22, 1):
            if value == ErrorCode.WRONG_SIZE:
                return "wrong size"
            if value == ErrorCode.FILE_WRONG_SIZE:
                return f"Error {value}"
        if release < (8, 2, 10) and value == ErrorCode.MMAP:
            return f"Error {value}"
    text = _TEXTS.get(value)
    return text if text is not None else f"Error {value}"
