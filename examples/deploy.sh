#!/bin/sh
# A deploy in steps, each run with only the secrets it needs: nothing is exported to the script, nothing written.
# Usage: deploy.sh [ENVIRONMENT]   (default: prod; the secrets are ENVIRONMENT/db and ENVIRONMENT/app/*)
set -eu
environment="${1:-prod}"

# The migration gets DB_HOST, DB_PORT, DB_USERNAME, DB_PASSWORD... from the JSON secret ENVIRONMENT/db.
withsecrets -s "DB=$environment/db" -- npm run migrate

# Show which variables the release will get (names and sources only), then run it with them.
withsecrets -s "$environment/app/*" --dry-run -- npm run release
withsecrets -s "$environment/app/*" -- npm run release
