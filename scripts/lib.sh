# Shared shell for scripts/demo and scripts/test. Source it; it moves to the project root.
# shellcheck shell=bash

CT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$CT_ROOT"

CT_VENV="$CT_ROOT/.venv"
CT_PY="$CT_VENV/bin/python"
# Records what the dev install was made from; a change of pyproject.toml or of the Python
# interpreter makes the next run install again.
CT_INSTALL_STAMP="$CT_ROOT/var/dev-install.stamp"

ct_say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
ct_warn() { printf '\n\033[1;33m!!! %s\033[0m\n' "$*" >&2; }
ct_die() {
  printf '\n\033[1;31mxxx %s\033[0m\n' "$*" >&2
  exit 1
}

# A Python 3.11 interpreter: $CASUSTAFEL_PYTHON, python3.11 on PATH, pyenv's 3.11, or python3 if it is 3.11.
ct_find_python() {
  local candidate
  local pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
  for candidate in "${CASUSTAFEL_PYTHON:-}" python3.11 "$pyenv_root"/versions/3.11*/bin/python3.11 python3; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || continue
    # A pyenv shim exists even when 3.11 is not the selected version: ask the interpreter itself.
    if "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' >/dev/null 2>&1; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

ct_install_fingerprint() {
  { sha256sum pyproject.toml; "$CT_PY" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1
}

# Create .venv when it is missing (or broken) and `pip install -e '.[dev]'` when pyproject.toml
# changed since the last install.
ct_dev_install() {
  mkdir -p var
  if [ ! -x "$CT_PY" ] || ! "$CT_PY" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' >/dev/null 2>&1; then
    local python
    python="$(ct_find_python)" || ct_die "Python 3.11 not found. Install it (e.g. pyenv install 3.11) or set CASUSTAFEL_PYTHON."
    ct_say "Creating .venv with $python"
    rm -rf "$CT_VENV"
    "$python" -m venv "$CT_VENV"
    rm -f "$CT_INSTALL_STAMP"
  fi
  local fingerprint
  fingerprint="$(ct_install_fingerprint)"
  if [ ! -f "$CT_INSTALL_STAMP" ] || [ "$(cat "$CT_INSTALL_STAMP")" != "$fingerprint" ]; then
    ct_say "Installing Casustafel and its development tools into .venv (pip install -e '.[dev]')"
    "$CT_PY" -m pip install --disable-pip-version-check --quiet --upgrade pip
    "$CT_PY" -m pip install --disable-pip-version-check --quiet -e '.[dev]'
    echo "$fingerprint" >"$CT_INSTALL_STAMP"
  fi
}

# Front-end packages from npm, copied into casustafel/static/vendor.
ct_assets() {
  command -v npm >/dev/null 2>&1 || ct_die "npm not found: install Node.js 18 or newer (Debian: apt-get install nodejs npm)."
  "$CT_ROOT/scripts/assets"
}

# Translations: compile the .po files when a .mo is missing or older than its .po.
ct_messages() {
  local po stale=0
  while IFS= read -r po; do
    if [ ! -f "${po%.po}.mo" ] || [ "$po" -nt "${po%.po}.mo" ]; then stale=1; fi
  done < <(find casustafel -path '*/locale/*/LC_MESSAGES/*.po' 2>/dev/null)
  if [ "$stale" = 1 ]; then
    command -v msgfmt >/dev/null 2>&1 || ct_die "msgfmt not found: install gettext (Debian: apt-get install gettext) to compile the translations."
    ct_say "Compiling translations"
    (cd casustafel && "$CT_PY" ../manage.py compilemessages --verbosity 0)
  fi
}

# Clear settings a developer's shell may carry, so the scripts behave the same everywhere.
ct_clean_env() {
  unset CASUSTAFEL_ENV CASUSTAFEL_DEMO MFA_REQUIRED DEBUG SECRET_KEY SECRET_KEY_FILE \
    FIELD_ENCRYPTION_KEY FIELD_ENCRYPTION_KEY_FILE ALLOWED_HOSTS CSRF_TRUSTED_ORIGINS \
    DB_ENGINE DB_NAME DB_USER DB_PASSWORD DB_PASSWORD_FILE DB_HOST DB_PORT DB_TEST_NAME \
    CASUSTAFEL_VAR_DIR DJANGO_SETTINGS_MODULE
}
