"""`附件 P3` / `files P3`: a project's files, and arming the conversation for an upload (bot.delivery.chat_files)."""

from __future__ import annotations

from bot.args import Args
from bot.context import Context
from bot.delivery.access import open_project
from bot.delivery.chat_files import SOURCE_WORDS, UPLOAD_WORDS, arm_for_files
from bot.delivery.files import human_size
from bot.registry import command
from bot.reply import Reply
from domain.permissions import Right


@command("附件", "files", "attachments", section="delivery", writes=True, prefix=False,
         help_zh="项目附件：附件 P3 列出文件；附件 P3 上传 后 10 分钟内发来的文件或图片存到项目",
         help_en="Project files: files P3 lists them; after files P3 upload, a file or picture sent within "
                 "10 minutes is filed on the project",
         usage_zh="附件 P3 / 附件 P3 上传", usage_en="files P3 / files P3 upload")
async def project_files(ctx: Context, args: Args) -> Reply:
    if not args.tokens:
        raise args.fail("请写上项目编号", "name the project")
    ref, rest = args.tokens[0], [t.casefold() for t in args.tokens[1:]]
    if rest and rest != ["上传"] and rest != [w for w in rest if w in UPLOAD_WORDS]:
        raise args.fail(f"看不懂「{' '.join(args.tokens[1:])}」", f"cannot read '{' '.join(args.tokens[1:])}'")
    access = await open_project(ctx, ref, Right.WORK if rest else Right.VIEW)
    project = access.project
    assert project.id is not None
    armed = access.right >= Right.WORK
    await arm_for_files(ctx, access)
    if rest:
        return Reply.text(ctx.t(f"好的，10 分钟内发来的文件或图片会存到项目 P{project.id}「{project.name}」"
                                f"（单个不超过 {human_size(ctx.settings.files.max_bytes)}）。",
                                f"OK: files or pictures sent within 10 minutes go to project P{project.id} "
                                f"({project.name}), up to {human_size(ctx.settings.files.max_bytes)} each."))
    return await _listing(ctx, project.id, project.name, armed)


async def _listing(ctx: Context, project_id: int, name: str, armed: bool) -> Reply:
    files = list(await ctx.uow.project_files.for_project(project_id))[-20:]
    title = ctx.t(f"项目 P{project_id}「{name}」的附件（{len(files)}）", f"Files of project P{project_id} ({name})")
    lines = [f"F{f.id} {f.filename} · {human_size(f.size)} · {ctx.t(*SOURCE_WORDS.get(f.source, (f.source,) * 2))}"
             f" · {f.at.astimezone(ctx.now.tzinfo):%Y-%m-%d} · {ctx.settings.web.url(f'/team/files/{f.id}')}"
             for f in files]
    if not files:
        lines.append(ctx.t("还没有附件。", "No files yet."))
    else:
        lines.append(ctx.t("打开链接下载（先发「看板」登录）。",
                           "Open a link to download it (sign in with 'dashboard' first)."))
    if armed:
        lines.append(ctx.t("10 分钟内发来的文件或图片会存到这个项目。",
                           "Files or pictures sent within 10 minutes go here."))
    return Reply.card(title, lines=lines)
