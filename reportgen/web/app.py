"""The routes of the web page (Starlette). Each handler calls the library and renders a page.

Everything a request names is checked against the workspace (``guard.one_of``); files are
served only from the build's output folder, found by period, unit, kind and format.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
import os
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from reportgen import layout, stale
from reportgen.build import BuildRequest, build
from reportgen.errors import InvalidInput, Problem, ReportgenError
from reportgen.files import write_atomic, write_new
from reportgen.formats import FORMATS, File, files_of
from reportgen.kinds import KINDS
from reportgen.periods import Period
from reportgen.plan import plan
from reportgen.results import Result
from reportgen.schema import LEVELS
from reportgen.sources.boundary import Refused, read_inside
from reportgen.web import figures_upload, guard, meeting_form, report_text_form, shield, signing_form, words
from reportgen.web.runner import Runner
from reportgen.workspace import MEETINGS_DIR, TEXTS_DIR, load_workspace

HERE = Path(__file__).resolve().parent
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the period's ZIP is the same bytes for the same files
UPLOAD_LIMIT = 20 * 1024 * 1024
FORM_ALLOWANCE = 1024 * 1024  # a request's body beyond its file: the form's other fields
MAX_FIELDS = 2000
SESSION_SECONDS = 8 * 3600
OUTPUT_LIMIT = 1024 * 1024 * 1024  # bytes of one output file served
PHOTO_DIR = "anh"  # the workspace folder for photos uploaded with a meeting
LOG = logging.getLogger("reportgen.web")
LEVEL_ORDER = {level: rank for rank, level in enumerate(LEVELS)}  # schema.LEVELS, highest first
SIGNED_STEPS = ("signed", "issued")  # <kind>.signed.pdf, <kind>.issued.pdf: written by `reportgen sign`
INLINE = ("application/pdf", "text/html", "image/")  # media types a browser shows itself (?xem=1)


class Site:
    """The state of one server: its workspace, output and archive folders, and the build runner."""

    def __init__(self, workspace: Path, out: Path, archive_root: Path, password: str | None,
                 upload_limit: int = UPLOAD_LIMIT, throttle: guard.Throttle | None = None,
                 office: signing_form.OfficeKey | None = None):
        self.root = Path(workspace).resolve()
        self.out = Path(out).resolve()
        self.archive_root = Path(archive_root).resolve()
        self.password = password
        self.upload_limit = upload_limit
        self.office = office
        self.sessions = guard.Sessions(SESSION_SECONDS)
        self.throttle = throttle or guard.Throttle()
        self.outcomes: dict[str, object] = {}  # an accepted upload's outcome, shown after the redirect
        self.runner = Runner()
        self.pages = Environment(loader=FileSystemLoader(HERE / "pages"), autoescape=select_autoescape(default=True),
                                 trim_blocks=True, lstrip_blocks=True)
        self.pages.filters.update(words.FILTERS)
        self.pages.globals["unit_words"] = words.unit_words
        self.pages.globals["text_summary"] = report_text_form.summary
        self.pages.globals["original_name"] = lambda relative: figures_upload.original_of(self.root, relative)

    def load(self):
        """The workspace, or None and the problems that stop it loading."""
        try:
            return load_workspace(self.root), []
        except InvalidInput as exc:
            return None, exc.problems

    def remember(self, outcome) -> str:
        """Keep an upload's outcome for the page the browser is sent to; its key."""
        key = secrets.token_urlsafe(12)
        self.outcomes[key] = outcome
        while len(self.outcomes) > 50:
            self.outcomes.pop(next(iter(self.outcomes)))
        return key

    def recall(self, key: str):
        return self.outcomes.get(key)

    def logged_in(self, request: Request) -> bool:
        return self.sessions.valid(request.session.get("sid"))

    def render(self, request: Request, page: str, status: int = 200, **values) -> HTMLResponse:
        values.setdefault("problems", [])
        text = self.pages.get_template(page).render(
            request=request, csrf=guard.csrf_token(request.session), site=self, kinds=KINDS,
            summary=meeting_form.summary,
            logged_in=self.logged_in(request), **values)
        return HTMLResponse(text, status_code=status, headers={"Cache-Control": "no-store"})


def create_app(workspace: Path, out: Path, archive_root: Path, password: str | None = None,
               upload_limit: int = UPLOAD_LIMIT, host: str = "127.0.0.1", port: int | None = None,
               names: tuple[str, ...] = (), tls: bool = False,
               body_seconds: float = shield.BODY_SECONDS, throttle: guard.Throttle | None = None,
               office: signing_form.OfficeKey | None = None) -> Starlette:
    """The application for one workspace; ``password`` turns on the login page, ``office`` the signing form.

    ``host``/``port``: the address served (a request naming another is refused), ``names``:
    other names of this machine the office uses; ``tls``: served over HTTPS (Secure cookie).
    """
    site = Site(workspace, out, archive_root, password, upload_limit, throttle, office)
    routes = [
        Route("/", _handler(site, overview)),
        Route("/so-lieu", _handler(site, figures_page), methods=["GET", "POST"]),
        Route("/so-lieu/tieu-de", _handler(site, heading_page), methods=["POST"]),
        Route("/cuoc-hop", _handler(site, meetings_page), methods=["GET", "POST"]),
        Route("/noi-dung", _handler(site, report_text_page), methods=["GET", "POST"]),
        Route("/lap", _handler(site, build_page), methods=["GET", "POST"]),
        Route("/lap/trang-thai", _handler(site, build_status)),
        Route("/tep/{period}/{unit}/{name}", _handler(site, output_file)),
        Route("/tai-ky/{period}", _handler(site, period_zip)),
        Route("/luu-tru", _handler(site, archive_page), methods=["GET", "POST"]),
        Route("/ky-so", _handler(site, signing_page), methods=["GET", "POST"]),
        Route("/kho/{path:path}", _handler(site, archive_file)),
        Route("/dang-nhap", _handler(site, login), methods=["GET", "POST"]),
        Route("/dang-xuat", _handler(site, logout), methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [Middleware(shield.Shield, hosts=shield.host_names(host, names), port=port,
                             body_limit=upload_limit + FORM_ALLOWANCE, body_seconds=body_seconds),
                  Middleware(SessionMiddleware, secret_key=secrets.token_urlsafe(32), session_cookie="reportgen",
                             same_site="strict", https_only=tls, max_age=SESSION_SECONDS)]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.site = site
    return app


def _handler(site: Site, view):
    """Wrap a view: login when a password is set, CSRF on POST, refusals and errors as pages."""
    async def endpoint(request: Request):
        try:
            if site.password and view is not login and not site.logged_in(request):
                return RedirectResponse("/dang-nhap", status_code=303)
            form = None
            if request.method == "POST":
                form = await request.form(max_files=1, max_fields=MAX_FIELDS, max_part_size=site.upload_limit + 1)
                guard.check_csrf(request.session, form)
            return await view(site, request, form)
        except (shield.BodyTooLarge, shield.BodyTooSlow):
            raise  # answered by the shield (413, 408)
        except guard.Refused as exc:
            return site.render(request, "error.html", status=exc.status, message=exc.message)
        except HTTPException as exc:  # the form parser's refusals: too many files or fields, a malformed body
            return site.render(request, "error.html", status=exc.status_code if 400 <= exc.status_code < 500 else 400,
                               message="Biểu mẫu gửi lên không hợp lệ (quá nhiều tệp hoặc quá nhiều mục, hoặc "
                                       "nội dung hỏng). Hãy tải lại trang rồi gửi lại.")
        except ClientDisconnect:
            return Response(status_code=400)
        except Exception:  # never a traceback in the browser: it goes to the log
            LOG.exception("lỗi khi xử lý %s %s", request.method, request.url.path)
            return site.render(request, "error.html", status=500,
                               message="Máy chủ gặp lỗi ngoài dự kiến; chi tiết đã được ghi vào nhật ký của máy chủ.")
    return endpoint


# ---- pages ---------------------------------------------------------------------------------------

async def overview(site: Site, request: Request, form):
    ws, problems = site.load()
    jobs = plan(ws) if ws else []
    return site.render(request, "overview.html", ws=ws,
                       problems=figures_upload.in_order(problems or (ws.warnings if ws else [])),
                       tree=_unit_tree(ws) if ws else [], jobs=jobs, steps=_steps(site, ws, jobs),
                       ready=sum(job.reason is None for job in jobs))


@dataclass
class Step:
    """One step of the clerk's path for the newest period: its state in words, and its page."""

    title: str
    state: str
    done: bool
    link: str | None
    action: str


def _steps(site: Site, ws, jobs) -> list[Step]:
    """figures -> meeting -> report text -> build -> archive, for the newest period."""
    if ws is None:
        return [Step("Số liệu", "dữ liệu đang có lỗi: hãy sửa các lỗi dưới đây trước", False, "/so-lieu", "Mở trang Số liệu")]
    period = ws.periods[-1]
    words_period = words.period_words(period)
    units = list(ws.units.index)
    with_figures = set(ws.figures.loc[ws.figures["ky"].map(ws.period_of) == period, "ma_don_vi"])
    meetings = [unit for (ky, unit) in ws.meetings if ky == period]
    texts = [unit for (ky, unit) in ws.texts if ky == period]
    top = units[0] if units else ""
    current = [job for job in jobs if job.period == period]
    ready = [job for job in current if job.reason is None]
    built = [job for job in ready if _built(site, job)]
    archived = _archived(site, period)
    return [
        Step("Số liệu", f"đã có số liệu {words_period} của {len(with_figures & set(units))}/{len(units)} đơn vị",
             len(with_figures) >= len(units), "/so-lieu", "Tải lên hoặc thay tệp số liệu"),
        Step("Cuộc họp", (f"đã có cuộc họp của {len(meetings)} đơn vị: "
                          + ", ".join(words.unit_words(ws, u) for u in sorted(meetings, key=units.index)))
             if meetings else "chưa có cuộc họp", bool(meetings),
             f"/cuoc-hop?{urlencode({'ky': period, 'don_vi': top})}", "Nhập hoặc sửa cuộc họp"),
        Step("Nội dung báo cáo", (f"đã có nội dung riêng của {len(texts)} đơn vị: "
                                  + ", ".join(words.unit_words(ws, u) for u in sorted(texts, key=units.index))
                                  + "; đơn vị khác dùng nội dung mặc định theo cấp trong reportgen.toml") if texts
             else "chưa có nội dung riêng: báo cáo dùng nội dung mặc định theo cấp trong reportgen.toml", True,
             f"/noi-dung?{urlencode({'ky': period, 'don_vi': top})}", "Viết hoặc sửa nội dung báo cáo"),
        Step("Lập văn bản", f"đã lập {len(built)}/{len(ready)} văn bản"
             + (f"; {len(current) - len(ready)} văn bản chưa đủ dữ liệu để lập" if len(current) > len(ready) else ""),
             bool(ready) and len(built) == len(ready), f"/lap?{urlencode({'ky': period})}", "Lập văn bản"),
        Step("Lưu trữ", f"đã đưa {archived} văn bản vào kho" if archived else "chưa đưa văn bản nào vào kho",
             archived > 0 and archived >= len(ready), f"/luu-tru?{urlencode({'ky': period})}", "Lưu trữ"),
    ]


def _built(site: Site, job) -> bool:
    kind = KINDS[job.kind]
    return all(os.path.isfile(layout.output_path(site.out, job, files_of(fmt)[0])) for fmt in kind.formats)


def _archived(site: Site, period: Period) -> int:
    """How many documents of the period the archive's manifest lists (latest versions)."""
    from reportgen.archive import manifest
    rows, _ = manifest.read_jsonl(site.archive_root) if site.archive_root.is_dir() else ([], [])
    return len({(row["unit"], row["kind"]) for row in rows if row.get("period") == str(period)})


def _unit_tree(ws) -> list[tuple[int, str, str, str]]:
    """(depth, code, name, level) in tree order: each unit followed by the units under it."""
    units = ws.units
    children: dict[str, list[str]] = {}
    for code, row in units.iterrows():
        children.setdefault(row["ma_cap_tren"] or "", []).append(code)
    order = []
    def walk(code: str, depth: int) -> None:
        order.append((depth, code, units.at[code, "ten_don_vi"], ws.config.labels.levels.get(units.at[code, "cap"],
                                                                                            units.at[code, "cap"])))
        for child in sorted(children.get(code, []), key=lambda c: LEVEL_ORDER.get(units.at[c, "cap"], 9)):
            walk(child, depth + 1)  # units.csv's order within a level
    for top in children.get("", []):
        walk(top, 0)
    return order


async def figures_page(site: Site, request: Request, form):
    outcome = None
    if form is not None:
        outcome = _upload(site, form)
        if outcome.written:  # POST -> redirect -> GET: a refresh does not send the file again
            return RedirectResponse(f"/so-lieu?ket-qua={site.remember(outcome)}", status_code=303)
    elif request.query_params.get("ket-qua"):
        outcome = site.recall(request.query_params["ket-qua"])
    ws, _ = site.load()
    files = _figure_files(site)
    status = 422 if outcome and outcome.written is None else 200
    chosen = {"thay_the": (form.get("thay_the") or "") if form else "", "xac_nhan": bool(form and form.get("xac_nhan"))}
    if outcome and outcome.duplicate_of and not chosen["thay_the"]:
        chosen["thay_the"] = outcome.duplicate_of[0]
    return site.render(request, "figures.html", status=status, ws=ws, files=files, outcome=outcome, chosen=chosen,
                       limit_mb=site.upload_limit // (1024 * 1024), fields=figures_upload.HEADING_FIELDS,
                       problems=outcome.problems if outcome and not outcome.duplicate_of else [],
                       mapped=request.query_params.get("da-ghi-tieu-de"))


def _figure_files(site: Site) -> list[tuple[str, str | None]]:
    """(stored name, the name the file had when uploaded) of each figures file."""
    return [(name, figures_upload.original_name(site.root, name)) for name in figures_upload.replaceable(site.root)]


async def heading_page(site: Site, request: Request, form):
    """Map an unknown heading to a field: written into [sources.columns] of reportgen.toml."""
    heading, field_name = str(form.get("tieu_de") or ""), str(form.get("truong") or "")
    problems = figures_upload.map_heading(site.root, heading, field_name)
    if problems:
        ws, _ = site.load()
        return site.render(request, "figures.html", status=422, ws=ws, files=_figure_files(site), outcome=None,
                           chosen={}, limit_mb=site.upload_limit // (1024 * 1024), fields=figures_upload.HEADING_FIELDS,
                           problems=figures_upload.in_order(problems), mapped=None)
    return RedirectResponse("/so-lieu?" + urlencode({"da-ghi-tieu-de": heading.strip()}), status_code=303)


def _upload(site: Site, form) -> figures_upload.Outcome:
    upload = form.get("tep")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return figures_upload.Outcome(problems=[Problem("Tệp tải lên", "hãy chọn một tệp số liệu (.csv hoặc .xlsx)")])
    data = upload.file.read(site.upload_limit + 1)
    problems = figures_upload.check_file(upload.filename, data, site.upload_limit)
    replace = form.get("thay_the") or None
    if replace is not None:
        replace = guard.one_of(replace, figures_upload.replaceable(site.root), "tệp số liệu")
        if form.get("xac_nhan") != "on":
            shown = figures_upload.original_name(site.root, replace) or replace
            problems.append(Problem("Thay thế tệp", f"hãy đánh dấu ô xác nhận để thay thế tệp {shown}",
                                    value=f"figures/{replace}"))
    if problems:
        return figures_upload.Outcome(problems=problems)
    return figures_upload.accept(site.root, upload.filename, data, replace, dt.datetime.now())


def _opened(request: Request, ws, saved, form_values):
    """The (period, unit) a chooser's ``?ky=&don_vi=`` opens, both checked, and the form's values:
    the saved file's, or a new one's for that period and unit; (None, None, None) when nothing is asked."""
    period, unit = request.query_params.get("ky"), request.query_params.get("don_vi")
    if not (period or unit):
        return None, None, None
    period = guard.period(period, ws.periods)
    guard.one_of(unit, ws.units.index, "đơn vị")
    return period, unit, form_values(saved.get((period, unit)), None if (period, unit) in saved
                                     else {"ky": period, "don_vi": unit})


async def meetings_page(site: Site, request: Request, form):
    ws, problems = site.load()
    if ws is None:
        return site.render(request, "meetings.html", ws=None, problems=problems, values=None, errors={})
    if form is not None:
        return _save_meeting(site, request, ws, form)
    _, _, values = _opened(request, ws, ws.meetings, meeting_form.form_values)
    return site.render(request, "meetings.html", ws=ws, values=values, errors={}, saved=request.query_params.get("da_luu"))


def _save_meeting(site: Site, request: Request, ws, form):
    """Check the meeting as the workspace loader would read it (with its photo); write only then."""
    data = meeting_form.data_from_form(form)
    photo, photo_error = _photo_upload(site, form)
    photo_name = None
    if photo:  # kept under a new generated name, never the uploaded one, nor made of what was typed
        period = _period_of(ws, data["ky"])
        known = period is not None and data["don_vi"] in ws.units.index
        photo_name = _free_photo_name(site, f"{period}-{data['don_vi']}" if known else "anh", photo[0])
        data.setdefault("anh", {"chu_thich": ""})["tep"] = photo_name
    meeting, errors = meeting_form.validate(data)
    general: list[str] = []
    if meeting is not None:
        errors.update(_workspace_errors(ws, meeting))
    if meeting is not None and not errors:
        key = (meeting.ky, meeting.don_vi)
        path = ws.meeting_files.get(key) or site.root / MEETINGS_DIR / f"{meeting.ky}-{meeting.don_vi}.yaml"
        label = f"{MEETINGS_DIR}/{path.name}"
        text = meeting_form.to_yaml(meeting, ws.units.at[meeting.don_vi, "ten_don_vi"])
        pending = {label: text, **({photo_name: photo[1]} if photo else {})}
        try:
            load_workspace(site.root, pending)
        except InvalidInput as exc:
            errors, general = meeting_form.loader_errors(exc.problems, label)
            if not errors and not general:  # the meeting is fine; another file of the workspace is not
                errors, general = {}, []
    if photo_error:
        errors["anh_moi"] = photo_error
    if errors or general:
        if photo:
            data["anh"].pop("tep")
        return site.render(request, "meetings.html", status=422, ws=ws, errors=errors, general=general,
                           photo_again=bool(photo) and "anh_moi" not in errors,
                           values=meeting_form.form_values(None, data))
    if photo:
        (site.root / PHOTO_DIR).mkdir(exist_ok=True)
        if not write_new(site.root / photo_name, photo[1]):
            raise guard.Refused(409, "Một ảnh khác vừa được lưu cùng tên; hãy gửi lại biểu mẫu.")
        write_atomic(site.root / (photo_name + figures_upload.ORIGINAL_SUFFIX),
                     str(form.get("anh_moi").filename).encode("utf-8"))  # the name the clerk knows it by
    path.parent.mkdir(exist_ok=True)
    write_atomic(path, text)
    return RedirectResponse(f"/cuoc-hop?ky={meeting.ky}&don_vi={meeting.don_vi}&da_luu=1", status_code=303)


def _free_photo_name(site: Site, prefix: str, extension: str) -> str:
    """``anh/<period>-<unit>-<time>.<ext>``, numbered when taken: never an existing file."""
    stem = f"{PHOTO_DIR}/{prefix}-{dt.datetime.now():%Y%m%d-%H%M%S}"
    number = 1
    while os.path.lexists(site.root / (name := f"{stem}{'' if number == 1 else f'-{number}'}.{extension}")):
        number += 1
    return name


def _photo_upload(site: Site, form) -> tuple[tuple[str, bytes] | None, str | None]:
    """The uploaded photo prepared (upright, without metadata), or the reason it is refused."""
    from reportgen.sources.boundary import Refused
    from reportgen.sources.photo import prepare

    upload = form.get("anh_moi")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return None, None
    data = upload.file.read(site.upload_limit + 1)
    if len(data) > site.upload_limit:
        return None, f"ảnh quá lớn: tối đa {site.upload_limit // (1024 * 1024)} MB"
    try:
        return prepare(data), None
    except Refused as exc:
        return None, str(exc)


def _workspace_errors(ws, meeting) -> dict[str, str]:
    errors = {}
    if meeting.don_vi not in ws.units.index:
        errors["don_vi"] = "mã đơn vị không có trong units.csv"
    if meeting.ky not in ws.periods:
        errors["ky"] = "không có số liệu của kỳ này trong figures/"
    return errors


async def report_text_page(site: Site, request: Request, form):
    """The report's own text of a unit and period (noi-dung/*.yaml), edited as the meeting is."""
    ws, problems = site.load()
    if ws is None:
        return site.render(request, "report_text.html", ws=None, problems=problems, values=None, errors={},
                           defaults={})
    if form is not None:
        return _save_report_text(site, request, ws, form)
    period, unit, values = _opened(request, ws, ws.texts, report_text_form.form_values)
    return site.render(request, "report_text.html", ws=ws, values=values, errors={},
                       sections=report_text_form.SECTIONS, saved=request.query_params.get("da_luu"),
                       defaults=report_text_form.defaults(ws, period, unit) if values else {})


def _save_report_text(site: Site, request: Request, ws, form):
    data = report_text_form.data_from_form(form)
    errors = _workspace_errors(ws, SimpleNamespace(don_vi=data["don_vi"], ky=_period_of(ws, data["ky"])))
    if not errors:
        content, text, errors = report_text_form.checked(data, ws.units.at[data["don_vi"], "ten_don_vi"],
                                                         ws.config.limits)
    if errors:
        return site.render(request, "report_text.html", status=422, ws=ws, errors=errors, defaults={},
                           sections=report_text_form.SECTIONS, values=report_text_form.form_values(None, data))
    key = (text.ky, text.don_vi)
    path = ws.text_files.get(key) or site.root / TEXTS_DIR / f"{text.ky}-{text.don_vi}.yaml"
    path.parent.mkdir(exist_ok=True)
    write_atomic(path, content)
    return RedirectResponse(f"/noi-dung?ky={text.ky}&don_vi={text.don_vi}&da_luu=1", status_code=303)


async def build_page(site: Site, request: Request, form):
    ws, problems = site.load()
    message, status, chosen, chosen_unit = None, 200, _chosen_period(ws, request), None
    if form is not None and ws is not None:
        message, started = _start_build(site, ws, form)
        if started:  # POST -> redirect -> GET: a refresh does not start the build again
            return RedirectResponse("/lap", status_code=303)
        status = 409 if site.runner.busy else 422
        chosen = _period_of(ws, form.get("ky"))  # the form as it was sent
        chosen_unit = form.get("don_vi") if form.get("don_vi") in (ws.units.index if ws is not None else ()) else None
    state = site.runner.state
    done = [] if state.running else state.results
    period = next((r.period for r in done), None)
    existing = False
    if ws is not None and not state.running and (not done or (chosen is not None and str(chosen) != period)):
        # no run of this server shows the period asked for: the documents already in the output folder
        shown = chosen or (ws.periods[-1] if ws.periods else None)
        period = str(shown) if shown else None
        done, existing = _existing(site, ws, shown) if shown else [], True
    return site.render(request, "build.html", status=status, ws=ws, problems=problems, state=state,
                       chosen=chosen, chosen_unit=chosen_unit, existing=existing,
                       message=message, documents=_documents(ws, done) if ws else [],
                       failures=[r for r in done if not r.path], period=period)


def _existing(site: Site, ws, period: Period) -> list[Result]:
    """The period's documents found in the output folder (the current plan's files, no link),
    as the page lists a run's: built before, by this server or another run, or by the CLI."""
    return [Result(job.kind, job.unit, str(job.period), "unchanged", suffix.split(".")[-1], str(path))
            for job, suffix, path in stale.current_outputs(ws, site.out, period)]


def _chosen_period(ws, request: Request) -> Period | None:
    """The period a link asks for (``?ky=``), if the workspace has it; else None (the newest)."""
    return _period_of(ws, request.query_params.get("ky"))


def _period_of(ws, text) -> Period | None:
    """The workspace's period a request's field spells (read once, here); None if it names none."""
    try:
        return guard.period(text, ws.periods) if ws is not None and text else None
    except guard.Refused:
        return None


def _documents(ws, results) -> list[tuple[str, list[tuple[str, list]]]]:
    """The files built, by unit (units.csv's order) and document (the kinds' order): the page's groups."""
    by_document: dict[tuple[str, str], list] = {}
    for result in results:
        if result.path:
            by_document.setdefault((result.unit, result.kind), []).append(result)
    units = {code: i for i, code in enumerate(ws.units.index)}
    kinds = {name: i for i, name in enumerate(KINDS)}
    grouped: dict[str, list] = {}
    for (unit, kind), files in sorted(by_document.items(), key=lambda item: (units.get(item[0][0], len(units)),
                                                                              kinds.get(item[0][1], len(kinds)))):
        grouped.setdefault(unit, []).append((kind, sorted(files, key=lambda r: _FILE_ORDER.get(r.path.rsplit(".", 1)[-1], 9))))
    return list(grouped.items())


_FILE_ORDER = {"docx": 0, "pdf": 1, "xlsx": 2, "html": 3, "jpg": 4, "png": 4}


def _start_build(site: Site, ws, form) -> tuple[str, bool]:
    period = guard.period(form.get("ky"), ws.periods)
    units = [guard.one_of(form.get("don_vi"), ws.units.index, "đơn vị")] if form.get("don_vi") else []
    jobs = plan(ws, [period], units)
    ready = [job for job in jobs if job.reason is None]
    if not ready:
        return "Không có văn bản nào lập được cho lựa chọn này: hãy xem bước còn thiếu ở trang Tổng quan.", False
    request = BuildRequest(site.root, site.out, (period,), tuple(units), workers=1)
    label = words.period_words(period) + (f", {words.unit_words(ws, units[0])}" if units else ", tất cả đơn vị")
    started = site.runner.start(label, len(jobs), lambda step: build(request, progress=step))
    if not started:
        return "Đang có một lượt lập văn bản chạy; hãy chờ lượt đó xong rồi lập tiếp.", False
    return f"Đã bắt đầu lập {len(ready)} văn bản.", True


async def build_status(site: Site, request: Request, form):
    state = site.runner.state
    return JSONResponse({"running": state.running, "done": state.done, "total": state.total,
                         "label": state.label, "error": state.error})


async def output_file(site: Site, request: Request, form):
    ws, _ = site.load()
    if ws is None:
        raise guard.Refused(404, "Không có tệp này.")
    period = guard.period(request.path_params["period"], ws.periods)
    unit = guard.one_of(request.path_params["unit"], ws.units.index, "đơn vị")
    names = _downloads()
    name = guard.one_of(request.path_params["name"], names, "tệp")
    path = layout.unit_folder(site.out, period, unit) / name
    data = _output(site, path.relative_to(site.out).as_posix())
    if data is None:
        raise guard.Refused(404, "Chưa lập tệp này; hãy lập văn bản trước.")
    current = stale.current_outputs(ws, site.out, period)
    signed_of_a_planned_document = (name.endswith(tuple(f".{step}.pdf" for step in SIGNED_STEPS))
                                    and (unit, name.split(".", 1)[0]) in {(j.unit, j.kind) for j, _, _ in current})
    if path not in {found for _, _, found in current} and not signed_of_a_planned_document:
        raise guard.Refused(404, "Tệp này không còn trong kế hoạch lập (dữ liệu đã đổi); hãy lập lại văn bản.")
    media = names[name].media_type
    inline = request.query_params.get("xem") == "1" and media.startswith(INLINE)
    headers = {"Content-Disposition": f"{'inline' if inline else 'attachment'}; "
                                      f"filename=\"{period}-{unit}-{name}\""}
    if media.startswith("text/html"):  # the bulletin page: never with scripts, never framed
        headers["Content-Security-Policy"] = ("default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                              "frame-ancestors 'none'; sandbox")
    return Response(data, media_type=media, headers=headers)


def _downloads() -> dict[str, File]:
    """Every file name a unit's folder may hold for the page to hand out: each kind's formats'
    files (:mod:`reportgen.formats`), its extra files (the bulletin's photo), its signed copies."""
    names: dict[str, File] = {}
    for kind in KINDS.values():
        names |= {layout.file_name(kind.name, f.suffix): f for fmt in kind.formats for f in FORMATS[fmt].files}
        names |= {layout.file_name(kind.name, f.suffix): f for extra in kind.extras for f in extra.files}
        names |= {f"{kind.name}.{step}.pdf": FORMATS["pdf"].files[0] for step in SIGNED_STEPS}
    return names


def _output(site: Site, relative: str) -> bytes | None:
    """The bytes of an output file, read only if it lies really inside the output folder: no
    symbolic link on the way (a linked folder included), a regular file; None otherwise."""
    try:
        return read_inside(site.out, relative, OUTPUT_LIMIT, None)
    except Refused:
        return None


async def period_zip(site: Site, request: Request, form):
    ws, _ = site.load()
    if ws is None:
        raise guard.Refused(404, "Không có kỳ này.")
    period = guard.period(request.path_params["period"], ws.periods)
    buffer = io.BytesIO()
    count = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for job, suffix, path in stale.current_outputs(ws, site.out, period):  # the current plan's files only
            data = _output(site, path.relative_to(site.out).as_posix())  # read_inside: no link on the way
            if data is not None:
                archive.writestr(zipfile.ZipInfo(layout.relative_path(job, suffix), ZIP_TIME), data,
                                 zipfile.ZIP_DEFLATED)
                count += 1
    if not count:
        raise guard.Refused(404, f"Chưa có văn bản nào của {words.period_words(period)}; hãy lập văn bản trước "
                                 "(trang Lập văn bản).")
    return Response(buffer.getvalue(), media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="reportgen-{period}.zip"'})


async def archive_page(site: Site, request: Request, form):
    from reportgen import archive as archiving
    from reportgen.archive import manifest
    ws, problems = site.load()
    results, mismatches, error, period = None, None, None, _chosen_period(ws, request)
    if form is not None and ws is not None:
        period = guard.period(form.get("ky"), ws.periods)
        units = [guard.one_of(form.get("don_vi"), ws.units.index, "đơn vị")] if form.get("don_vi") else []
        if site.runner.busy:
            error = "Đang có một lượt lập văn bản chạy; hãy chờ lượt đó xong rồi lưu trữ."
        else:
            try:
                results = await run_in_threadpool(archiving.archive, ws, plan(ws, [period], units),
                                                  site.archive_root, site.out)
            except ReportgenError as exc:
                error = str(exc)
                problems = getattr(exc, "problems", [])
    period = period or (ws.periods[-1] if ws is not None and ws.periods else None)
    records = []
    if archiving.not_an_archive(site.archive_root) is None:
        mismatches = [str(m) for m in await run_in_threadpool(archiving.verify, site.archive_root)]
        rows, _ = manifest.read_jsonl(site.archive_root)
        units = {code: i for i, code in enumerate(ws.units.index)} if ws is not None else {}
        records = sorted((row for row in rows if row.get("period") == str(period)),
                         key=lambda row: (units.get(row["unit"], len(units)), list(KINDS).index(row["kind"])
                                          if row["kind"] in KINDS else 9, row["version"]))
    return site.render(request, "archive.html", status=422 if error else 200, ws=ws, problems=problems,
                       results=results, mismatches=mismatches, error=error, records=records, period=period,
                       statuses=words.ARCHIVE_STATUS)


async def archive_file(site: Site, request: Request, form):
    """A record of the archive, by the path its manifest lists (nothing else is served)."""
    from reportgen.archive import manifest
    rows, _ = manifest.read_jsonl(site.archive_root) if site.archive_root.is_dir() else ([], [])
    path = guard.one_of(request.path_params["path"], [row["path"] for row in rows], "hồ sơ lưu trữ")
    try:
        data = read_inside(site.archive_root, path, OUTPUT_LIMIT, None)
    except Refused:
        raise guard.Refused(404, "Không đọc được hồ sơ này trong kho; hãy xem kết quả kiểm tra kho.") from None
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{path.rsplit("/", 1)[-1]}"'})


async def signing_page(site: Site, request: Request, form):
    """The clerk's step: number, date and the body's signature (reportgen sign --role office)."""
    ws, problems = site.load()
    kinds = [name for name, kind in KINDS.items() if kind.signer is not None]  # the bulletin has no signature block
    done, errors, error, chosen = None, {}, None, {}
    if form is not None and ws is not None and site.office is not None:
        period = guard.period(form.get("ky"), ws.periods)
        unit = guard.one_of(form.get("don_vi"), ws.units.index, "đơn vị")
        kind = guard.one_of(form.get("loai"), kinds, "loại văn bản")
        typed = {"so": str(form.get("so") or "").strip(), "ngay": str(form.get("ngay") or "").strip()}
        chosen = {"ky": str(period), "don_vi": unit, "loai": kind, **typed}  # shown again after an error
        number, on, errors = signing_form.parse(typed["so"], typed["ngay"])
        pdf = signing_form.signable(site.out, str(period), unit, kind)
        if pdf is None:
            error = (f"Chưa lập {words.kind_words(kind)} của {words.unit_words(ws, unit)}, "
                     f"{words.period_words(period)}; hãy lập văn bản trước (trang Lập văn bản).")
        elif not errors:
            try:
                signed = await run_in_threadpool(signing_form.sign_for_clerk, site.office, pdf, number, on,
                                                 site.archive_root)
                done = {"name": signed.path.name, "period": str(period), "unit": unit, "kind": kind,
                        "signer": signed.signer, "time": words.time_words(signed.time)}
                chosen = {"ky": str(period), "don_vi": unit, "loai": kind}
            except ReportgenError as exc:
                error = str(exc)
                problems = getattr(exc, "problems", [])
    return site.render(request, "signing.html", status=400 if errors or error else 200, ws=ws, problems=problems,
                       sign_kinds=kinds, done=done, errors=errors, error=error, chosen=chosen)


async def login(site: Site, request: Request, form):
    if not site.password:
        return RedirectResponse("/", status_code=303)
    client = request.client.host if request.client else "?"
    error, status = None, 200
    if waiting := site.throttle.locked(client):
        error, status = _locked_out(waiting), 429
    elif form is not None:
        if guard.password_matches(str(form.get("mat_khau") or ""), site.password):
            site.throttle.success(client)
            site.sessions.end(request.session.get("sid"))
            request.session.clear()
            request.session["sid"] = site.sessions.start()
            return RedirectResponse("/", status_code=303)
        delay, locked = site.throttle.failure(client)
        await asyncio.sleep(delay)
        error, status = (_locked_out(site.throttle.lockout), 429) if locked else ("Mật khẩu không đúng.", 401)
    return site.render(request, "login.html", status=status, error=error)


def _locked_out(seconds: float) -> str:
    return (f"Đã nhập sai mật khẩu nhiều lần; hãy thử lại sau {max(1, round(seconds / 60))} phút. "
            "Nếu quên mật khẩu, hãy hỏi người quản trị máy chủ.")


async def logout(site: Site, request: Request, form):
    site.sessions.end(request.session.get("sid"))
    request.session.clear()
    return RedirectResponse("/dang-nhap" if site.password else "/", status_code=303)
