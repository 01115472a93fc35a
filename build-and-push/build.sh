#!/usr/bin/env bash
# The shell half of build-and-push. `check` validates the build inputs before any AWS call; `build` runs
# docker buildx build --push and writes the outputs; `logout` takes the registry login away again.
# Every value arrives in an environment variable; nothing from the workflow is expanded into this script.
set -euo pipefail

ACCEPTED_TAG='Docker tags: letters, digits, _ . and -, up to 128 characters, not starting with . or -'
ACCEPTED_PLATFORM='platforms such as linux/amd64, linux/arm64 or linux/arm/v7'
ACCEPTED_BOOLEAN='true or false'

# One ::error:: line naming the input, the value and what is accepted; then the step fails.
reject() {
  local message="Input '$1' has the value \"$2\", which is not accepted: $3."
  message="${message//'%'/'%25'}"
  message="${message//$'\r'/'%0D'}"
  message="${message//$'\n'/'%0A'}"
  echo "::error title=build-and-push::$message"
  exit 1
}
fail() {
  local message="$*"
  message="${message//'%'/'%25'}"
  message="${message//$'\n'/'%0A'}"
  echo "::error title=build-and-push::$message"
  exit 1
}

# A list input: entries separated by newlines or commas, surrounding blanks dropped.
split_list() {
  local item
  while IFS= read -r item; do
    item="${item#"${item%%[![:space:]]*}"}"
    item="${item%"${item##*[![:space:]]}"}"
    [ -n "$item" ] && printf '%s\n' "$item"
  done < <(printf '%s\n' "${1//,/$'\n'}")
  return 0
}
# A lines input (values may hold commas): one entry per non-blank line.
split_lines() {
  local line
  while IFS= read -r line; do
    line="${line%$'\r'}"
    [[ "$line" =~ ^[[:space:]]*$ ]] || printf '%s\n' "$line"
  done <<<"$1"
  return 0
}
check_boolean() {
  case "$2" in
    true | True | TRUE | false | False | FALSE) ;;
    *) reject "$1" "$2" "$ACCEPTED_BOOLEAN" ;;
  esac
}
is_true() { case "$1" in true | True | TRUE) return 0 ;; *) return 1 ;; esac }
is_remote_context() { [[ "$1" =~ ^(https?://|git@|git://|ssh://) ]]; }

mapfile -t tags < <(split_list "${TAGS:-}")
mapfile -t platforms < <(split_list "${PLATFORMS:-}")
mapfile -t build_args < <(split_lines "${BUILD_ARGS:-}")
mapfile -t labels < <(split_lines "${LABELS:-}")
context="${BUILD_CONTEXT:-.}"
[ -n "$context" ] || context=.

check() {
  [ "${#tags[@]}" -gt 0 ] || fail "Input 'tags' is empty: give at least one tag ($ACCEPTED_TAG)."
  local t p a
  for t in "${tags[@]}"; do
    [[ "$t" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || reject tags "$t" "$ACCEPTED_TAG"
  done
  for p in "${platforms[@]}"; do
    [[ "$p" =~ ^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$ ]] || reject platforms "$p" "$ACCEPTED_PLATFORM"
  done
  for a in "${build_args[@]}"; do
    [[ "$a" =~ ^[[:space:]]*[A-Za-z_][A-Za-z0-9_]*= ]] || reject build-args "$a" 'one NAME=value per line'
  done
  for a in "${labels[@]}"; do
    [[ "$a" =~ ^[[:space:]]*[^=[:space:]]+= ]] || reject labels "$a" 'one name=value per line'
  done
  check_boolean cache "${CACHE:-true}"
  check_boolean provenance "${PROVENANCE:-false}"
  check_boolean logout "${LOGOUT:-true}"
  check_boolean create-repository "${CREATE_REPOSITORY:-false}"
  if is_true "${CACHE:-true}"; then
    [[ "${CACHE_TAG:-}" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || reject cache-tag "${CACHE_TAG:-}" "$ACCEPTED_TAG"
    for t in "${tags[@]}"; do
      [ "$t" != "$CACHE_TAG" ] || fail "Input 'tags' includes '$t', which is also the cache-tag: the build cache would overwrite the image. Choose another cache-tag."
    done
  fi
  [ -z "${TARGET:-}" ] || [[ "$TARGET" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] || reject target "$TARGET" 'a build stage name'
  if ! is_remote_context "$context"; then
    [ -d "$context" ] || reject context "$context" 'a folder of the workspace (relative to it), or a Git or HTTP(S) URL'
    local dockerfile="${DOCKERFILE:-$context/Dockerfile}"
    [ -f "$dockerfile" ] || reject file "${DOCKERFILE:-}" "a Dockerfile that exists (looked for $dockerfile)"
  elif [ -n "${DOCKERFILE:-}" ] && [[ "$DOCKERFILE" = /* ]]; then
    reject file "$DOCKERFILE" 'a path inside the remote context'
  fi
  command -v docker >/dev/null || fail "There is no docker command on PATH: build-and-push runs docker buildx (on GitHub-hosted Ubuntu runners it is there; add docker/setup-buildx-action on others)."
  docker buildx version >/dev/null 2>&1 || fail "docker buildx is not available: add docker/setup-buildx-action (pinned by commit SHA) before this step."
  local builder_args=()
  [ -z "${BUILDER:-}" ] || builder_args=(--builder "$BUILDER")
  docker buildx inspect "${builder_args[@]}" >/dev/null 2>&1 || reject builder "${BUILDER:-}" 'the name of a buildx builder that exists (see docker buildx ls)'
  echo "Build inputs checked: ${#tags[@]} tag(s), platforms ${platforms[*]:-of the builder}, context $context."
}

# Whether the cache tag may be rewritten in this repository (ECR's wildcard filters match as shell globs do).
cache_writable() {
  case "${TAG_MUTABILITY:-MUTABLE}" in
    MUTABLE) return 0 ;;
    IMMUTABLE) return 1 ;;
  esac
  local filter matched=1
  while IFS= read -r filter; do
    # shellcheck disable=SC2053 # the filter is a pattern on purpose
    [[ "$CACHE_TAG" == $filter ]] && matched=0
  done < <(split_list "${MUTABLE_TAGS:-}")
  if [ "$TAG_MUTABILITY" = IMMUTABLE_WITH_EXCLUSION ]; then return "$matched"; fi
  # MUTABLE_WITH_EXCLUSION: the filters name the tags that are immutable.
  [ "$matched" -ne 0 ]
}

build() {
  [ -n "${IMAGE:-}" ] || fail 'No repository URI reached the build step (the repository step did not finish).'
  local meta
  meta="$(mktemp "${RUNNER_TEMP:-/tmp}/build-and-push-metadata.XXXXXX")"
  local provenance=false
  is_true "${PROVENANCE:-false}" && provenance=true
  local args=(buildx build --push --metadata-file "$meta" "--provenance=$provenance")
  [ -z "${BUILDER:-}" ] || args+=(--builder "$BUILDER")
  [ -z "${DOCKERFILE:-}" ] || args+=(--file "$DOCKERFILE")
  [ -z "${TARGET:-}" ] || args+=(--target "$TARGET")
  if [ "${#platforms[@]}" -gt 0 ]; then
    local joined
    joined="$(IFS=,; echo "${platforms[*]}")"
    args+=(--platform "$joined")
  fi
  local t a
  for t in "${tags[@]}"; do args+=(--tag "$IMAGE:$t"); done
  for a in "${build_args[@]}"; do args+=(--build-arg "${a#"${a%%[![:space:]]*}"}"); done
  for a in "${labels[@]}"; do args+=(--label "${a#"${a%%[![:space:]]*}"}"); done
  if is_true "${CACHE:-true}"; then
    args+=(--cache-from "type=registry,ref=$IMAGE:$CACHE_TAG")
    if cache_writable; then
      args+=(--cache-to "type=registry,ref=$IMAGE:$CACHE_TAG,mode=max,image-manifest=true,oci-mediatypes=true")
    else
      echo "::warning title=build-and-push::The repository's tags are $TAG_MUTABILITY and $CACHE_TAG is not exempt, so the build cache is read but not written. Exempt the cache tag (ECR: image tag mutability exclusion filter '$CACHE_TAG'), or set cache: false."
    fi
  fi
  args+=("$context")
  printf 'docker'
  printf ' %q' "${args[@]}"
  printf '\n'
  docker "${args[@]}"

  local digest
  digest="$(sed -n 's/.*"containerimage\.digest"[[:space:]]*:[[:space:]]*"\(sha256:[0-9a-f]\{64\}\)".*/\1/p' "$meta" | head -n 1)"
  [ -n "$digest" ] || fail "docker buildx build did not report the digest of the pushed image (no containerimage.digest in its metadata file)."
  local refs="" sep=""
  for t in "${tags[@]}"; do
    refs+="$sep\"$IMAGE:$t\""
    sep=","
  done
  {
    echo "image=$IMAGE@$digest"
    echo "digest=$digest"
    echo "tags=[$refs]"
  } >>"$GITHUB_OUTPUT"
  echo "Pushed $IMAGE@$digest (tags: ${tags[*]})."
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    {
      echo "### Image pushed"
      echo
      echo "\`$IMAGE@$digest\`"
      echo
      echo "Tags: ${tags[*]}"
    } >>"$GITHUB_STEP_SUMMARY"
  fi
}

logout() {
  if docker logout "$REGISTRY" >/dev/null 2>&1; then
    echo "Logged Docker out of $REGISTRY."
  else
    echo "::warning title=build-and-push::Could not log Docker out of $REGISTRY; the login expires on its own within 12 hours."
  fi
}

case "${1:-}" in
  check) check ;;
  build) build ;;
  logout) logout ;;
  *) fail "usage: build.sh check|build|logout" ;;
esac
