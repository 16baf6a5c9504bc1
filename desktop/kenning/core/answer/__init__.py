"""Answer: passages and a question become a cited answer from a local model.

`answerer` composes the stages; `prompting` fences numbered sources as data; `ollama` is the client
of the chat model (request building, errors, response types); `extractive` answers without a
model; `conversation_store` and `answer_codec` keep conversations; `chat_model_advice` recommends
a model for this machine.
May use: `search`, `validate`, `index`, `ingest`, `observe`, the vocabulary.
"""
