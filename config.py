"""Configuration classes; `create_app` loads one, then `FORUM_*` environment variables."""

from __future__ import annotations

import os


class Config:
    """Defaults shared by every environment."""

    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # None: SQLite in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLITE_BUSY_TIMEOUT_MS = 10_000
    BABEL_DEFAULT_LOCALE = "it"
    BABEL_DEFAULT_TIMEZONE = "Europe/Rome"
    LANGUAGES = ("it", "en")
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    WTF_CSRF_SSL_STRICT = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    PASSWORD_MIN_LENGTH = 12
    PASSWORD_MAX_LENGTH = 128
    QUESTIONS_PER_PAGE = 20
    MAX_TAGS = 5
    # Markdown renders in helper processes with a hard time budget (forum/markup.py).
    MARKDOWN_RENDER_SECONDS = 1.0
    MARKDOWN_RENDER_WORKERS = 2
    COMMENT_MAX_DEPTH = 3
    DEMO_PASSWORD: str | None = None
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    POST_ATTACHMENTS_MAX = 5  # files listed under one question or answer
    AVATAR_MAX_BYTES = 2_000_000
    # Uploaded files (forum/storage): "local" keeps them in STORAGE_LOCAL_PATH (default
    # instance/attachments), right for one server; "s3" puts them in a bucket every server
    # shares (AWS, MinIO...): bucket, endpoint (empty for AWS), region, keys (empty:
    # boto3's usual chain) and a prefix for the object keys. Profile photos stay in the
    # database.
    STORAGE_BACKEND = "local"
    STORAGE_LOCAL_PATH: str | None = None
    STORAGE_S3_BUCKET: str | None = None
    STORAGE_S3_ENDPOINT_URL: str | None = None
    STORAGE_S3_REGION: str | None = None
    STORAGE_S3_ACCESS_KEY_ID: str | None = None
    STORAGE_S3_SECRET_ACCESS_KEY: str | None = None
    STORAGE_S3_PREFIX = ""
    PRACTICES_PER_PAGE = 20
    # Background jobs (forum/jobs): mail and index updates run off the request path, from
    # an outbox row written with the change. Runner: "thread" (a daemon thread per process),
    # "inline" (at commit, tests) or "rq" (Redis; chosen when FORUM_JOBS_URL is set, with
    # `flask jobs worker` running the jobs).
    JOBS_RUNNER = "thread"
    JOBS_URL: str | None = None  # e.g. redis://127.0.0.1:6379/0
    JOBS_QUEUE = "officina"
    JOBS_MAX_ATTEMPTS = 5
    JOBS_BACKOFF_MAX_SECONDS = 3600  # retries wait 2, 4, 8... seconds, at most this
    JOBS_POLL_SECONDS = 5.0  # the thread runner looks for due retries this often
    JOBS_LEASE_SECONDS = 900  # a job "running" longer was lost with its worker: run again
    JOBS_KEEP_DAYS = 14  # done jobs older than this are pruned by `flask jobs prune`
    # Search engine: "whoosh" (a folder, SEARCH_INDEX_PATH, default instance/search_index)
    # or "postgres" (tables in the app's PostgreSQL database); None: "postgres" when the
    # database is PostgreSQL, else "whoosh". How changes reach a Whoosh index: "thread" (off
    # the request path, through the job runner), "inline" or "off"; with PostgreSQL every
    # value but "off" indexes a change in its own transaction.
    SEARCH_BACKEND: str | None = None
    SEARCH_INDEX_PATH: str | None = None
    # App servers answering requests (FORUM_NODES). Above 1 the app refuses to start with
    # a Whoosh index, which lives in one server's folder (forum/nodes.py).
    NODES = 1
    SEARCH_SYNC = "thread"
    SEARCH_WRITER_TIMEOUT = 5.0
    # The thread runner lets the request that caused a notification answer first (a thread
    # with hundreds of watchers would otherwise compete with it for the interpreter).
    NOTIFICATIONS_DELAY = 0.2
    SEARCH_SYNC_DELAY = 0.5  # seconds the worker waits to batch a burst of changes
    SEARCH_PER_PAGE = 10
    # Anonymous micro-cache (forum/page_cache.py): seconds a rendered public page is
    # reused for other anonymous readers, in the app's cache (shared with the other servers
    # through Redis when CACHE_TYPE is "RedisCache"); checked against the content versions
    # on every hit, so a change shows at once; 0 turns it off.
    PAGE_CACHE_SECONDS = 5
    # Shared renders of pages (forum/render_cache), keyed by content versions: never stale
    # after a change; the expiry only bounds memory and how old "3 minuti fa" may look.
    # In process by default; several servers share Redis: CACHE_TYPE = "RedisCache" and
    # CACHE_REDIS_URL (FORUM_CACHE_TYPE / FORUM_CACHE_REDIS_URL in the environment).
    RENDER_CACHE_SECONDS = 60
    CACHE_TYPE = "SimpleCache"
    CACHE_THRESHOLD = 2000
    # Rate limits (Flask-Limiter). In-memory counting is exact for one process with
    # threads (`make run`); several gunicorn workers need shared storage, e.g.
    # FORUM_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STRATEGY = "fixed-window"
    LOGIN_LIMIT_PER_ACCOUNT = "5 per 15 minutes"
    LOGIN_LIMIT_PER_ADDRESS = "20 per 15 minutes"
    RESET_LIMIT_PER_ADDRESS = "5 per hour"
    REGISTER_LIMIT_PER_ADDRESS = "10 per hour"
    PASSWORD_RESET_MAX_AGE = 60 * 60
    # Writing limits, counted per signed-in member (per address when signed out).
    POST_LIMIT = "20 per hour;5 per minute"
    COMMENT_LIMIT = "60 per hour;10 per minute"
    VOTE_LIMIT = "120 per hour;30 per minute"
    FLAG_LIMIT = "30 per day;10 per minute"
    PREVIEW_LIMIT = "600 per hour;30 per minute"  # the editor asks at most every ~0.5 s
    DRAFT_LIMIT = "1200 per hour;60 per minute"  # the forms save at most every 1.5 s
    EDIT_LIMIT = "120 per hour;10 per minute"  # each edit renders Markdown (up to 0.5 s CPU)
    # Private messages (/messaggi): new conversations and replies, per member.
    CONVERSATION_LIMIT = "10 per hour;3 per minute"
    MESSAGE_LIMIT = "120 per hour;10 per minute"
    # The editor's @mention suggestions: one light query per pause in typing (~150 ms).
    MENTION_SUGGEST_LIMIT = "1200 per hour;60 per minute"
    # The REST API, counted per personal access token (per member or address without one);
    # writes also count against the limits above, shared with the pages.
    API_RATE_LIMIT = "3000 per hour;120 per minute"
    # Full open-data downloads (practices, questions), per address.
    EXPORT_LIMIT = "30 per hour;5 per minute"
    # Reputation privileges (shown on /aiuto/privilegi); moderators have them all; 0 = off.
    PRIVILEGE_COMMENT_EVERYWHERE = 10
    PRIVILEGE_VOTE_DOWN = 25
    PRIVILEGE_FLAG_WEIGHT = 50
    PRIVILEGE_SUGGEST_EDIT = 20
    # Below this reputation a member starts at most NEW_MEMBER_CONVERSATIONS_PER_DAY
    # conversations in 24 hours (replying is not limited by it).
    PRIVILEGE_CONVERSATIONS = 10
    NEW_MEMBER_CONVERSATIONS_PER_DAY = 3
    # Moderation: open flags from trusted members (reputation >= PRIVILEGE_FLAG_WEIGHT)
    # that hide a post until a moderator looks; default registration policy until the
    # admin chooses one ("open", "approval" or "domains") and its allowed e-mail domains.
    FLAG_HIDE_THRESHOLD = 3
    REGISTRATION_POLICY = "open"
    REGISTRATION_ALLOWED_DOMAINS = ""
    # Open data (forum/opendata): licence of the exports and feeds (cc0-1.0, cc-by-4.0,
    # cc-by-sa-4.0, iodl-2.0) and the publisher named in the DCAT-AP_IT records (its IPA
    # code from indicepa.gov.it). Defaults until the admin saves them in the settings.
    OPEN_DATA_LICENCE = "cc-by-4.0"
    OPEN_DATA_PUBLISHER_NAME = "Officina - rete delle politiche familiari"
    OPEN_DATA_PUBLISHER_IPA = "officina"
    OPEN_DATA_CONTACT_EMAIL = "dati@officina.example"
    # Atom feeds (forum/feeds): entries per feed and seconds a reader or proxy may reuse one.
    FEED_ENTRIES = 50
    FEED_MAX_AGE = 300
    SUSPENSION_MAX_DAYS = 3650
    AUDIT_PER_PAGE = 50
    ADMIN_USERS_PER_PAGE = 30
    # Mail: written to instance/outbox (and the log) unless an SMTP host is configured.
    MAIL_SMTP_HOST: str | None = None
    MAIL_SMTP_PORT = 587
    MAIL_SMTP_USER: str | None = None
    MAIL_SMTP_PASSWORD: str | None = None
    MAIL_SMTP_STARTTLS = True
    MAIL_SENDER = "Officina <noreply@officina.example>"
    # The address members reach Officina at: links in e-mails are built on it (jobs and
    # `flask digests send` run outside any request). FORUM_SITE_URL in production.
    SITE_URL = "http://127.0.0.1:5000"
    # Routing (forum/routing): a question still unanswered after this many hours is offered
    # to up to ROUTING_MAX_EXPERTS members with expertise in its theme; the asker is reminded
    # to accept an answer once one has been there ACCEPT_REMINDER_DAYS. `flask routing run`
    # (cron) catches what the delayed jobs missed, for questions of the last
    # ROUTING_SWEEP_MAX_DAYS days; older ones are on the moderators' list of questions
    # without a solution for more than UNSOLVED_AFTER_DAYS days.
    UNANSWERED_ROUTING_HOURS = 48
    ROUTING_MAX_EXPERTS = 5
    ACCEPT_REMINDER_DAYS = 3
    ROUTING_SWEEP_MAX_DAYS = 30
    UNSOLVED_AFTER_DAYS = 30
    # Log-in through an OpenID Connect provider, e.g. an IAM proxy in front of SPID and CIE
    # (forum/identities). Off until issuer, client id and secret are all set; discovery at
    # <issuer>/.well-known/openid-configuration. The label defaults to "Entra con SPID o CIE"
    # (translated); the provider document is fetched again after OIDC_METADATA_SECONDS.
    OIDC_ISSUER: str | None = None
    OIDC_CLIENT_ID: str | None = None
    OIDC_CLIENT_SECRET: str | None = None
    OIDC_SCOPES = "openid email profile"
    OIDC_TOKEN_AUTH_METHOD = "client_secret_basic"  # or "client_secret_post"
    OIDC_BUTTON_LABEL: str | None = None
    # Where the provider sends members back; None: SITE_URL + /accedi/identita-digitale/ritorno.
    OIDC_REDIRECT_URI: str | None = None
    OIDC_TIMEOUT_SECONDS = 10.0
    OIDC_METADATA_SECONDS = 3600
    # Accessibility statement (/accessibilita, AgID's model) until the admin saves its
    # settings: the administration and site it covers, the compliance status ("conforme",
    # "parzialmente_conforme", "non_conforme"), the non-accessible content (Markdown), the
    # statement's date and the last automated check (YYYY-MM-DD; `flask accessibility
    # record-check` stores the latter after the axe suite), the statement published on
    # form.agid.gov.it (empty: not yet published), and the procedure of AgID's Difensore
    # civico per il digitale a reporter turns to after no or an unsatisfying answer.
    ACCESSIBILITY_ADMINISTRATION = ""
    ACCESSIBILITY_SITE_NAME = "Officina"
    ACCESSIBILITY_COMPLIANCE = "parzialmente_conforme"
    ACCESSIBILITY_NON_ACCESSIBLE = (
        "- I documenti allegati dai membri (PDF, fogli di calcolo) non sono verificati "
        "prima della pubblicazione e possono non essere accessibili.\n"
        "- Le immagini inserite nei messaggi possono mancare di un testo alternativo "
        "adeguato, che dipende da chi le inserisce."
    )
    ACCESSIBILITY_STATEMENT_DATE = ""
    ACCESSIBILITY_LAST_CHECK = ""
    ACCESSIBILITY_AGID_FORM_URL = ""
    ACCESSIBILITY_CONTACT_EMAIL = ""
    ACCESSIBILITY_ENFORCEMENT_URL = (
        "https://www.agid.gov.it/it/design-servizi/accessibilita/procedura-attuazione"
    )
    # The feedback mechanism: days the administration has to answer (the law says 30),
    # and how often one address may send a report.
    ACCESSIBILITY_ANSWER_DAYS = 30
    ACCESSIBILITY_FEEDBACK_LIMIT = "10 per hour;3 per minute"
    # Privacy (forum/privacy): a member's data export stays downloadable this many days; an
    # account deletion takes effect after the grace period, run by `flask privacy purge`
    # (cron, every node may run it). Export ZIPs live in PRIVACY_EXPORT_DIR (default
    # instance/exports), or in the S3 bucket under exports/ when STORAGE_BACKEND is s3.
    PRIVACY_EXPORT_DAYS = 7
    PRIVACY_DELETION_GRACE_DAYS = 14
    PRIVACY_EXPORT_DIR: str | None = None
    # Retention of personal data kept only for running the service, pruned by the same
    # command: notifications, finished jobs (mail jobs hold addresses and bodies), the
    # outbox folder's e-mails, and the accessibility needs given for an event once it ended.
    NOTIFICATION_RETENTION_DAYS = 365
    JOB_PAYLOAD_RETENTION_DAYS = 30
    MAIL_OUTBOX_RETENTION_DAYS = 30
    EVENT_NEEDS_RETENTION_DAYS = 30
    # The app's access log (one line per request: time, address, method, path, status),
    # rotated at midnight and kept ACCESS_LOG_RETENTION_DAYS days; None: no access log file.
    ACCESS_LOG_PATH: str | None = None
    ACCESS_LOG_RETENTION_DAYS = 90


class DevelopmentConfig(Config):
    """Local `make run`: a fixed development key and the demo password."""

    SECRET_KEY = "officina-sviluppo-locale-non-usare-in-produzione"
    DEMO_PASSWORD = "officina-demo-2026"


class TestingConfig(Config):
    """pytest: CSRF off unless a test turns it on, a fixed key, fast hashing."""

    TESTING = True
    SECRET_KEY = "test-secret-key"
    WTF_CSRF_ENABLED = False
    DEMO_PASSWORD = "officina-demo-2026"
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    RATELIMIT_ENABLED = False  # tests that check limits turn it on
    # Privileges open to every member unless a test sets the thresholds it checks; edit
    # suggestions stay out of reach so a stranger's edit is a plain 403 unless a test lowers it.
    PRIVILEGE_COMMENT_EVERYWHERE = 0
    PRIVILEGE_VOTE_DOWN = 0
    PRIVILEGE_FLAG_WEIGHT = 0
    PRIVILEGE_SUGGEST_EDIT = 100_000
    PRIVILEGE_CONVERSATIONS = 0
    SEARCH_SYNC = "off"  # search tests turn on "inline": the index is current at commit
    JOBS_RUNNER = "inline"  # mail is in the outbox folder when the request returns
    PAGE_CACHE_SECONDS = 0  # tests that check the page cache turn it on
    WRITE_INTENT_STRICT = True  # a request that writes outside write_intent() fails the test


class ProductionConfig(Config):
    """gunicorn behind a proxy: secure cookies; refuses to start without a secret key."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


def config_from_env() -> str:
    """The config class named by FORUM_CONFIG, development by default."""
    return os.environ.get("FORUM_CONFIG", "config.DevelopmentConfig")
