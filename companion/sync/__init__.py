"""Sync with the user's own CalDAV and CardDAV server (DESIGN section 11).

``setup`` finds the collections, ``engine`` runs a sync, ``items`` says what each item looks like on
the server, ``state`` keeps what the server has (``sync.json``), ``dav`` makes the requests and
``password`` finds the password (never in the data folder)."""
