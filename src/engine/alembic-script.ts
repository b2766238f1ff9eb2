/**
 * The Python that `import alembic` runs with the user's interpreter (`python -c`). It reads the
 * request (JSON) on stdin and writes its answer (JSON) to the file the request names, so a
 * migration's own print() (sent to stderr here) never mixes into it.
 *
 * It never runs the project's env.py (which often needs a live database or the application's
 * settings): it builds Alembic's own ScriptDirectory from alembic.ini (or the versions folders
 * given), reads the graph from it, and renders each revision's upgrade() and downgrade() on
 * its own, offline (Alembic's `--sql` mode, as `alembic upgrade A:B --sql` does), with a
 * version table of a name made for this run, whose statements the caller drops. With
 * transactional_ddl off Alembic writes no BEGIN/COMMIT of its own. op.get_bind() gives a
 * connection that renders statements without parameters and refuses anything that needs the
 * database: bound values, a result read.
 */
export const ALEMBIC_READER_PY = String.raw`
import json, os, sys, traceback, warnings

class NeedsDatabase(Exception):
    pass

def short(construct):
    try:
        text = " ".join(str(construct).split())
    except Exception:
        text = type(construct).__name__
    return text if len(text) <= 60 else text[:57] + "..."

class NoResult(object):
    def __init__(self, construct):
        self._construct = construct
    def _fail(self, *args, **kw):
        raise NeedsDatabase("it reads the result of %s through op.get_bind(), and offline there is no database to read" % short(self._construct))
    __iter__ = __len__ = __bool__ = __getitem__ = _fail
    def __getattr__(self, name):
        self._fail()

def where(exc, path, root):
    if isinstance(exc, SyntaxError) and exc.filename:
        return exc.filename, exc.lineno
    best = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        # This reader's own code runs as "<string>" (python -c), which abspath would place in root.
        if frame.filename.startswith("<"):
            continue
        name = os.path.abspath(frame.filename)
        if (path and name == os.path.abspath(path)) or (not path and name.startswith(root + os.sep)):
            best = (name, frame.lineno)
    return best

def err(exc, path=None, root=""):
    file, line = where(exc, path, root)
    text = str(exc).strip().split("\n")[0][:500]
    # A raise statement of the revision's own code (a downgrade that refuses on purpose), not a failure below it.
    frames = traceback.extract_tb(exc.__traceback__)
    own = bool(path and frames and os.path.abspath(frames[-1].filename) == os.path.abspath(path) and (frames[-1].line or "").lstrip().startswith("raise"))
    return {"type": type(exc).__name__, "message": text, "file": file, "line": line, "raised": own}

def missing_revision(exc, script):
    # Alembic (1.8) builds its graph with map_[id]: a parent or depends_on that no file defines is a KeyError.
    if not isinstance(exc, KeyError) or not exc.args or script is None:
        return None
    missing = exc.args[0]
    try:
        scripts = list(script._load_revisions())
    except Exception:
        return None
    ids = lambda value: (value,) if isinstance(value, str) else tuple(value or ())
    for s in scripts:
        for kind, field, value in (("revises", "down_revision", s.down_revision), ("depends on", "depends_on", s.dependencies)):
            if missing not in ids(value):
                continue
            line = None
            try:
                with open(s.path, encoding="utf-8", errors="replace") as handle:
                    for number, text in enumerate(handle, 1):
                        if text.lstrip().startswith(field) and str(missing) in text:
                            line = number
                            break
            except Exception:
                pass
            named = [other for other in scripts if os.path.splitext(os.path.basename(other.path))[0] == missing]
            return {"type": "KeyError", "message": "revision %s %s %s, which no revision file defines" % (s.revision, kind, missing), "file": os.path.abspath(s.path), "line": line, "raised": False,
                    "missing": missing, "field": field, "fileOf": {"id": named[0].revision, "file": os.path.abspath(named[0].path)} if named else None}
    return None

def main():
    req = json.load(sys.stdin)
    answer = {}
    stdout = sys.stdout
    sys.stdout = sys.stderr
    warnings.simplefilter("ignore")
    root = os.path.abspath(os.getcwd())
    try:
        try:
            import alembic, sqlalchemy
            from alembic.config import Config
            from alembic.operations import Operations
            from alembic.runtime.environment import EnvironmentContext
            from alembic.runtime.migration import MigrationContext, MigrationStep
            from alembic.script import ScriptDirectory
        except Exception as exc:
            answer = {"fatal": "no-alembic", "error": err(exc), "python": sys.version.split()[0], "executable": sys.executable}
            return
        for dialect in req["dialects"]:
            try:
                sqlalchemy.engine.url.make_url(dialect + "://").get_dialect()
            except Exception as exc:
                answer = {"fatal": "no-dialect", "dialect": dialect, "error": err(exc), "sqlalchemy": sqlalchemy.__version__}
                return
        config = Config() if req["versions"] else Config(req["ini"], ini_section=req["section"])
        flags = {}
        make_connection = MigrationContext._stdout_connection
        def stdout_connection(self, connection):
            conn = make_connection(self, connection)
            emit = conn.execute
            context = self
            def execute(construct, *multiparams, **params):
                if multiparams or params:
                    raise NeedsDatabase("it runs %s with parameters through op.get_bind(); offline the values are not rendered" % short(construct))
                emit(construct)
                return NoResult(construct)
            def exec_driver_sql(sql, *args, **kw):
                if args or kw:
                    raise NeedsDatabase("it runs %s with parameters through op.get_bind(); offline the values are not rendered" % short(sql))
                context.impl.static_output(sql.strip() + context.impl.command_terminator)
                return NoResult(sql)
            conn.execute = execute
            conn.exec_driver_sql = exec_driver_sql
            return conn
        MigrationContext._stdout_connection = stdout_connection
        autocommit_block = MigrationContext.autocommit_block
        def marked_autocommit_block(self):
            flags["autocommit"] = True
            return autocommit_block(self)
        MigrationContext.autocommit_block = marked_autocommit_block
        # A constraint made without a name: Alembic names it from target_metadata's naming convention,
        # which env.py gives and this run does not, unless the request has one (--naming-convention).
        from alembic.operations.schemaobj import SchemaObjects
        def marked(kind, method):
            def wrapper(self, name, *args, **kw):
                if name is None and not req["namingConvention"]:
                    flags.setdefault("unnamed", []).append(kind)
                return method(self, name, *args, **kw)
            return wrapper
        for kind in ("primary_key_constraint", "foreign_key_constraint", "unique_constraint", "check_constraint"):
            setattr(SchemaObjects, kind, marked(kind.replace("_", " "), getattr(SchemaObjects, kind)))
        target_metadata = sqlalchemy.MetaData(naming_convention=req["namingConvention"]) if req["namingConvention"] else None
        get_bind = Operations.get_bind
        def marked_get_bind(self):
            flags["bind"] = True
            return get_bind(self)
        Operations.get_bind = marked_get_bind

        class Chunks(object):
            def __init__(self):
                self.chunks = []
            def write(self, text):
                self.chunks.append(text)
            def flush(self):
                pass

        def configure(env, dialect, out):
            env.configure(dialect_name=dialect, dialect_opts={"paramstyle": "named"}, literal_binds=True, transactional_ddl=False, version_table=req["table"], output_buffer=out, target_metadata=target_metadata)

        # The revision modules are imported once per dialect, with that dialect's context in
        # place, as in an online run (where they are imported inside run_migrations): code at a
        # module's top level that asks op.get_context() for the dialect gets the one rendered.
        loaded = {}
        for dialect in req["dialects"]:
            script = None
            try:
                if req["versions"]:
                    script = ScriptDirectory(req["versions"][0], version_locations=req["versions"])
                else:
                    script = ScriptDirectory.from_config(config)
                with EnvironmentContext(config, script, fn=lambda heads, context: [], as_sql=True) as env:
                    configure(env, dialect, Chunks())
                    with Operations.context(env.get_context()):
                        revisions = list(reversed(list(script.walk_revisions())))
                        heads = list(script.get_heads())
            except BaseException as exc:
                answer = {"fatal": "script-directory", "error": missing_revision(exc, script) or err(exc, None, root)}
                return
            loaded[dialect] = (script, dict((r.revision, r) for r in revisions))

        def render(rev_id, dialect, up):
            script, by_id = loaded[dialect]
            rev = by_id[rev_id]
            out = Chunks()
            flags.clear()
            if up:
                start = list(rev._versioned_down_revisions) or None
                step = MigrationStep.upgrade_from_script(script.revision_map, rev)
            else:
                start = [rev.revision]
                step = MigrationStep.downgrade_from_script(script.revision_map, rev)
            try:
                with EnvironmentContext(config, script, fn=lambda heads, context: [step], as_sql=True, starting_rev=start, destination_rev=None) as env:
                    configure(env, dialect, out)
                    with env.begin_transaction():
                        env.run_migrations()
            except KeyboardInterrupt:
                raise
            except BaseException as exc:
                return {"ok": False, "chunks": out.chunks, "error": err(exc, rev.path), "bind": bool(flags.get("bind"))}
            return {"ok": True, "chunks": out.chunks, "autocommit": bool(flags.get("autocommit")), "unnamed": sorted(set(flags.get("unnamed", [])))}

        listed = []
        for rev in revisions:
            entry = {
                "id": rev.revision,
                "parents": list(rev._versioned_down_revisions),
                "dependsOn": list(getattr(rev, "_resolved_dependencies", None) or ()),
                "labels": list(getattr(rev, "_orig_branch_labels", None) or ()),
                "message": rev.doc,
                "path": os.path.abspath(rev.path),
                "render": {},
            }
            for dialect in req["dialects"]:
                entry["render"][dialect] = {"up": render(rev.revision, dialect, True), "down": render(rev.revision, dialect, False)}
            listed.append(entry)
        answer = {"alembic": alembic.__version__, "sqlalchemy": sqlalchemy.__version__, "heads": heads, "revisions": listed}
    except BaseException as exc:
        answer = {"fatal": "crash", "error": err(exc, None, root), "trace": traceback.format_exc()[-4000:]}
    finally:
        sys.stdout = stdout
        with open(req["out"], "w") as handle:
            json.dump(answer, handle)

main()
`;
