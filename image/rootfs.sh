#!/bin/sh
# Copies into $1 the files the action runs with, and nothing else: the Python interpreter
# and its standard library, /usr/local (autorecover, its dependencies, the fixers), git
# with its https helper, the shared libraries all of these load (found with ldd), the CA
# certificates, /bin/sh, and the users root and nobody. The Dockerfile's last stage is
# this tree alone, so the image holds no package manager, no perl and no documentation.
#
# Run in the Dockerfile's build stage, after everything is installed, as root.
set -eu
out=$1
mkdir -p "$out"

copy() {  # copy PATH... keeping each path's place, symlinks as symlinks
    cp -a --parents "$@" "$out"
}

# Debian 12 is merged-/usr: /bin, /lib, /lib64 and /sbin are symlinks into /usr.
for top in /bin /lib /lib64 /sbin; do
    if [ -L "$top" ]; then copy "$top"; fi
done

# The base image ships its standard library without bytecode, and the action runs with
# PYTHONDONTWRITEBYTECODE=1, so every run would compile the stdlib modules it imports.
# Importing every autorecover module once here writes the bytecode of exactly those.
env -u PYTHONDONTWRITEBYTECODE python3 -c 'import importlib, pkgutil, autorecover
for m in pkgutil.walk_packages(autorecover.__path__, "autorecover."):
    if m.name != "autorecover.__main__":
        importlib.import_module(m.name)'

stdlib=$(python3 -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')
dynload=$(python3 -c 'import sysconfig; print(sysconfig.get_path("platstdlib"))')/lib-dynload
python=$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')
copy /usr/local "$stdlib" "$python"
[ -d "$dynload" ] && copy "$dynload"

# git: the program (the builtins are in it), the helper for https remotes, the names
# under which a local remote runs git's server side (symlinks to git; fetch and push to a
# path or file:// URL exec them), and the templates `git init` copies.
copy /usr/bin/git /usr/bin/git-upload-pack /usr/bin/git-receive-pack \
    /usr/bin/git-upload-archive /usr/lib/git-core/git-remote-http \
    /usr/lib/git-core/git-remote-https /usr/lib/git-core/git-upload-pack \
    /usr/lib/git-core/git-receive-pack /usr/share/git-core/templates
# Debian ships /usr/lib/git-core/git as a second copy of /usr/bin/git (3.7 MB); git execs
# it by path from its exec-path, so a symlink does, when the two are the same program.
if cmp -s /usr/bin/git /usr/lib/git-core/git; then
    ln -s ../../bin/git "$out/usr/lib/git-core/git"
else
    copy /usr/lib/git-core/git
fi

# /bin/sh: git runs hooks and aliases through it; a shell also lets the Dockerfile check
# the result with RUN.
copy "$(readlink -f /bin/sh)" /usr/bin/sh /usr/bin/env

# The CA certificates (Python's ssl and git over https read /etc/ssl/certs; requests
# carries certifi), and the files glibc reads.
copy /etc/ssl /usr/share/ca-certificates /usr/lib/ssl /etc/ld.so.conf /etc/ld.so.conf.d \
    /etc/nsswitch.conf /etc/host.conf /etc/os-release /usr/lib/os-release
grep -E '^(root|nogroup|nobody):' /etc/group > "$out/etc/group"
grep -E '^(root|nobody):' /etc/passwd > "$out/etc/passwd"
mkdir -p "$out/tmp" "$out/root" "$out/var/tmp"
chmod 1777 "$out/tmp" "$out/var/tmp"

# Parts of the standard library and of site-packages nothing here imports: the bundled
# pip/setuptools wheels (venvs are made without pip), IDLE, Tk, 2to3, turtle, pydoc's
# topic data; setuptools and wheel only built autorecover.
# Test suites and test-only extension modules go too (the python image deletes its test
# directories), and the modules that only load a library nothing else needs: dbm.ndbm
# (Berkeley DB, 1.8 MB), sqlite3, curses and readline (terminal UIs), nis, ossaudiodev.
for name in ensurepip idlelib tkinter turtledemo lib2to3 pydoc_data turtle.py test \
    lib-dynload/_test* lib-dynload/_ctypes_test* lib-dynload/_xxtestfuzz* \
    lib-dynload/xxlimited* lib-dynload/_dbm.* sqlite3 lib-dynload/_sqlite3.* curses \
    lib-dynload/_curses* lib-dynload/readline.* lib-dynload/nis.* \
    lib-dynload/ossaudiodev.*; do
    rm -rf "${out:?}$stdlib"/$name
done
site=$(python3 -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
rm -rf "${out:?}$site"/setuptools* "${out:?}$site"/_distutils_hack \
    "${out:?}$site"/distutils-precedence.pth "${out:?}$site"/pkg_resources \
    "${out:?}$site"/wheel "${out:?}$site"/wheel-*.dist-info "${out:?}/usr/local/bin/wheel"

# Bytecode of modules that a compiled extension of the same name shadows (black and
# others are compiled with mypyc): Python imports the extension, never this bytecode.
python3 - "$out$site" <<'PY'
import os, sys
for root, dirs, files in os.walk(sys.argv[1]):
    if os.path.basename(root) != "__pycache__":
        continue
    parent = os.listdir(os.path.dirname(root))
    for name in files:
        module = name.split(".")[0]
        if any(p.startswith(module + ".cpython-") and p.endswith(".so") for p in parent):
            os.remove(os.path.join(root, name))
PY

# Shared libraries: everything an ELF file in the tree links to, transitively (ldd
# resolves the whole closure), plus libgcc_s, which glibc loads with dlopen when a thread
# exits. Each library is copied with the symlink that names it.
libs=$(mktemp)
find "$out" -type f \( -name '*.so*' -o -perm -u+x \) -exec sh -c \
    'for f; do ldd "$f" 2>/dev/null || true; done' sh {} + \
    | grep -o '/[^ ]*' | sort -u > "$libs"
gcc_s=$(ldconfig -p | awk '/libgcc_s\.so\.1 / { print $NF; exit }')
echo "$gcc_s" >> "$libs"
while read -r lib; do
    [ -e "$lib" ] || continue
    dir=$(readlink -f "$(dirname "$lib")")
    copy "$dir/$(basename "$lib")" "$(readlink -f "$lib")"
done < "$libs"
rm -f "$libs"
ldconfig -r "$out"

# A dpkg status file naming the Debian packages the copied files come from, with their
# versions, so that an SBOM or a vulnerability scan of the image still sees them.
mkdir -p "$out/var/lib/dpkg"
# dpkg records some files under their pre-merged-/usr path (/lib/...), hence the pattern.
find "$out" -type f ! -path "$out/usr/local/*" ! -path "$out/etc/*" -printf '*/%P\n' \
    | sed 's|^\*/usr/|*/|' | xargs dpkg-query --search 2>/dev/null | cut -d: -f1 \
    | tr ',' '\n' | tr -d ' ' | sort -u | xargs dpkg-query --status \
    > "$out/var/lib/dpkg/status"
