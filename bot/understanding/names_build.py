"""The known-customer table built in a process of its own, for large companies.

Built in a worker thread, a table of 500,000 customers holds the GIL for as much as the event loop for
~20 s: every message meanwhile takes twice as long. Here a child process (`python -m
bot.understanding.names_build URL OUT`, at a lower priority) reads the customers on its own connection,
fills the table and writes it to OUT as frames: a header (the highest customer id read, the number of
spellings, the number of frames of each map), then the spellings and the heads in frames of FRAME_KEYS
entries, each pickled by ONE pickler, so a customer's packed record shared by its spellings is written
once and read back as one string. The bot
reads the frames back one at a time between messages (`load`): each is a few milliseconds of work on the
loop (unpickling it and spreading it over the bot's own shards), and the file is read in a worker thread.
"""

from __future__ import annotations

import asyncio
import io
import os
import pickle
import struct
import sys
import tempfile
from pathlib import Path
from typing import IO, Any

from bot.nlp.gazetteer import MASK, NameTable

FRAME = struct.Struct("<Q")  # each frame: its length, then its pickle
PAGE = 5000  # customers read per statement in the child (nobody's event loop waits on it)
FRAME_KEYS = 2000  # entries per frame: ~2 ms to unpickle and spread on the bot's loop
NICE = 10  # the child gives way to the bot on a busy machine (a tenth of its share of a contended core)
PREFIX = "dealbot-names-"  # temporary files: dealbot-names-<bot pid>-<random>.bin


async def build(url: str) -> tuple[NameTable, int]:
    """Run the child and read back its table: (table, highest customer id in it). Raises RuntimeError if
    the child fails; the child is killed if this is cancelled."""
    _sweep()
    handle, name = tempfile.mkstemp(prefix=f"{PREFIX}{os.getpid()}-", suffix=".bin")
    os.close(handle)
    out = Path(name)
    try:
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.understanding.names_build", url, str(out),
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        try:
            _, err = await child.communicate()
        finally:
            if child.returncode is None:
                child.kill()
                await child.wait()
        if child.returncode != 0:
            reason = err.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
            raise RuntimeError(f"names build exited with {child.returncode}: {reason[0]}")
        return await load(out)
    finally:
        out.unlink(missing_ok=True)


def _sweep() -> None:
    """Delete the tables left by bots killed between the child's end and their reading it."""
    for stale in Path(tempfile.gettempdir()).glob(f"{PREFIX}*-*.bin"):
        owner = stale.name[len(PREFIX):].split("-", 1)[0]
        if owner.isdigit() and not _alive(int(owner)):
            stale.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


async def load(path: Path) -> tuple[NameTable, int]:
    """Read a table written by the child: frames read in a worker thread, each unpickled on the loop (one
    unpickler for all: the records shared between frames stay shared) and spread over this process's
    shards (a string's hash differs between processes: the child's shards are not ours)."""
    feed, table = io.BytesIO(), NameTable()  # the current frame: one buffer, refilled (the unpickler keeps it)
    unpickler = pickle.Unpickler(feed)
    with path.open("rb") as file:

        async def frame() -> Any:
            data = await asyncio.to_thread(_read_frame, file)
            feed.seek(0)
            feed.truncate()
            feed.write(data)
            feed.seek(0)
            return unpickler.load()

        last, size, key_frames, head_frames = await frame()
        for into in [table.keys] * key_frames + [table.heads] * head_frames:
            for key, value in (await frame()).items():
                into[hash(key) & MASK][key] = value
            await asyncio.sleep(0)  # let waiting messages through between frames
    table.size = size
    return table, last


def _read_frame(file: IO[bytes]) -> bytes:
    head = file.read(FRAME.size)
    if len(head) != FRAME.size:
        raise RuntimeError("names build: the table file ends early")
    return file.read(FRAME.unpack(head)[0])


def write(table: NameTable, last: int, file: IO[bytes]) -> None:
    keys, heads = _chunks(table.keys), _chunks(table.heads)
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    for part in ((last, len(table), len(keys), len(heads)), *keys, *heads):
        pickler.dump(part)
        file.write(FRAME.pack(buffer.tell()))
        file.write(buffer.getbuffer()[: buffer.tell()])
        buffer.seek(0)
        buffer.truncate()


def _chunks(shards: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
    """The maps in frames of at most FRAME_KEYS entries (each a few milliseconds to read back)."""
    items = [item for shard in shards for item in shard.items()]
    return [dict(items[at : at + FRAME_KEYS]) for at in range(0, len(items), FRAME_KEYS)]


async def _fill(url: str, parent: int) -> tuple[NameTable, int]:
    """Read every customer by keyset pages on a plain engine: no BEGIN IMMEDIATE, so on SQLite the child
    never holds the write lock the bot needs (each page is a read of its own)."""
    from sqlalchemy.ext.asyncio import create_async_engine

    from bot.understanding.known import fill  # the child's imports, not the bot's
    from storage.repositories.customers import names_of, names_page

    page = names_page()
    engine = create_async_engine(url)
    table, last = NameTable(), 0
    try:
        async with engine.connect() as connection:
            while rows := (await connection.execute(page, {"after": last, "limit": PAGE})).all():
                if os.getppid() != parent:  # the bot is gone (killed): nobody will read the table
                    raise SystemExit(3)
                fill(table, names_of(rows))
                last = rows[-1].id
                await connection.rollback()  # end the read: PostgreSQL's snapshot, SQLite's WAL mark
    finally:
        await engine.dispose()
    table.finish()
    return table, last


def main(argv: list[str]) -> int:
    url, out = argv
    os.nice(NICE)
    try:
        table, last = asyncio.run(_fill(url, os.getppid()))
        with open(out, "wb") as file:
            write(table, last, file)
    except SystemExit:
        Path(out).unlink(missing_ok=True)  # the bot was killed before it could delete the file
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
