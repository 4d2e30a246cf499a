"""Tests of snippets/rnn_basics.py (chapter 12)."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from docbuild import runs
from snippets import rnn_basics as rb

# ---------------------------------------------------------------- the cell and the time loop


def test_rnn_cell_step_is_what_rnncell_computes():
    torch.manual_seed(0)
    cell = nn.RNNCell(input_size=3, hidden_size=5)
    x, h = torch.randn(4, 3), torch.randn(4, 5)
    assert torch.allclose(rb.rnn_cell_step(x, h, cell), cell(x, h), atol=1e-6)
    assert rb.rnn_cell_step(x, h, cell).abs().max() < 1  # tanh


def test_unroll_shares_the_cell_and_matches_nn_rnn():
    torch.manual_seed(0)
    cell = nn.RNNCell(input_size=4, hidden_size=2)
    rnn = nn.RNN(input_size=4, hidden_size=2)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(rnn, f"{name}_l0").copy_(getattr(cell, name))
    inputs, h0 = torch.randn(6, 3, 4), torch.randn(3, 2)
    states = rb.unroll(cell, inputs, h0)
    out, hn = rnn(inputs, h0.unsqueeze(0))
    assert states.shape == (6, 3, 2)
    assert torch.allclose(states, out, atol=1e-6) and torch.allclose(states[-1], hn[0], atol=1e-6)
    # every step depends on all earlier inputs: the first input changes the last state
    changed = inputs.clone()
    changed[0] += 1
    assert not torch.allclose(rb.unroll(cell, changed, h0)[-1], states[-1])


# ---------------------------------------------------------------- the hello data


def test_hello_data_and_decoding():
    inputs, labels = rb.hello_tensors()
    assert rb.decode(rb.X_DATA) == "hello" and rb.decode(rb.Y_DATA) == "ohlol"
    assert inputs.shape == (5, 1, 4) and labels.shape == (5, 1) and labels.dtype == torch.int64
    assert torch.equal(inputs.argmax(dim=2).view(-1), torch.tensor(rb.X_DATA))
    assert torch.equal(inputs.sum(dim=2), torch.ones(5, 1))  # one-hot: a single 1 per step
    assert torch.equal(rb.one_hot([2, 0], num_classes=3), torch.tensor([[0.0, 0, 1], [1, 0, 0]]))


def test_embedding_is_one_hot_times_its_weight():
    torch.manual_seed(0)
    emb = nn.Embedding(4, 10)
    assert torch.allclose(emb(torch.tensor(rb.X_DATA)), rb.one_hot(rb.X_DATA) @ emb.weight)


# ---------------------------------------------------------------- the three lecture models


def test_cell_model_step_and_initial_state():
    model = rb.CellModel(input_size=4, hidden_size=4, batch_size=3)
    h0 = model.init_hidden()
    assert h0.shape == (3, 4) and not h0.any()
    assert model(torch.randn(3, 4), h0).shape == (3, 4)


def test_the_page_run_of_the_cell_model_and_the_identical_rnn_model():
    inputs, labels = rb.hello_tensors()
    torch.manual_seed(2)
    cell_run = rb.train_cell_model(rb.CellModel(), inputs, labels, epochs=15, lr=0.1)
    torch.manual_seed(2)
    rnn_run = rb.train_sequence_model(rb.RNNModel(), inputs, labels, epochs=15, lr=0.1)
    assert len(cell_run) == 15
    assert [p for p, _ in cell_run] == [p for p, _ in rnn_run]  # the same weights, the same path
    for (_, summed), (_, mean) in zip(cell_run, rnn_run):
        assert summed == pytest.approx(5 * mean, rel=1e-5)  # sum over 5 steps vs mean
    assert rb.first_epoch(cell_run) == 5 and cell_run[-1][0] == "ohlol"  # the page says so
    assert cell_run[-1][1] < cell_run[0][1]


def test_rnn_model_output_rows_are_letters():
    torch.manual_seed(0)
    model = rb.RNNModel(input_size=4, hidden_size=4, num_layers=2)
    out = model(torch.randn(5, 3, 4))
    assert out.shape == (15, 4) and out.abs().max() < 1  # tanh states used as scores


def test_embedding_model_shapes_and_page_run():
    torch.manual_seed(2)
    model = rb.EmbeddingModel()
    assert sum(p.numel() for p in model.parameters()) == 380
    assert model(torch.tensor([rb.X_DATA, rb.Y_DATA])).shape == (10, 4)  # (batch * seq, classes)
    history = rb.train_sequence_model(model, torch.tensor([rb.X_DATA]), torch.tensor(rb.Y_DATA),
                                      epochs=15, lr=0.05)
    assert rb.first_epoch(history) == 4 and history[-1][1] < 0.05


def test_recurrent_model_with_each_layer():
    x = torch.tensor([rb.X_DATA])
    sizes = {}
    for kind in ("rnn", "lstm", "gru"):
        torch.manual_seed(2)
        model = rb.RecurrentModel(kind)
        assert isinstance(model.rnn, rb.LAYERS[kind])
        assert model(x).shape == (5, 4)
        sizes[kind] = sum(p.numel() for p in model.parameters())
    assert sizes == {"rnn": 380, "lstm": 1292, "gru": 988}
    torch.manual_seed(2)
    same = rb.RecurrentModel("rnn")
    torch.manual_seed(2)
    assert torch.equal(same(x), rb.EmbeddingModel()(x))  # the same weights as the lecture's model


def test_first_epoch():
    history = [("lllll", 1.0), ("ohlol", 0.5), ("ohlll", 0.4), ("ohlol", 0.3)]
    assert rb.first_epoch(history) == 2
    assert rb.first_epoch(history, target="ohlll") == 3
    assert rb.first_epoch(history[:1]) is None


def test_hello_seed_runs_small():
    for kind in ("cell", "embedding", "lstm", "gru"):
        histories = rb.hello_seed_runs(kind, seeds=2, epochs=2)
        assert len(histories) == 2 and all(len(h) == 2 for h in histories)
        assert histories[0] != histories[1]  # different seeds, different runs


@pytest.fixture(scope="module")
def seed_runs():
    """The runs of the chapter's figure: every hello model with 20 seeds, 15 epochs."""
    return {kind: runs.cached(rb.hello_seed_runs, kind, seeds=20, epochs=15, device="cpu")
            for kind in ("cell", "embedding", "lstm", "gru")}


def test_what_the_page_says_about_20_seeds(seed_runs):
    reached = {kind: sum(rb.first_epoch(h) is not None for h in histories)
               for kind, histories in seed_runs.items()}
    assert reached == {"cell": 15, "embedding": 20, "lstm": 10, "gru": 17}
    assert sum(h[-1][0] == "ohlol" for h in seed_runs["cell"]) == 13
    firsts = [rb.first_epoch(h) for h in seed_runs["embedding"]]
    assert (min(firsts), max(firsts)) == (2, 8)
    assert seed_runs["cell"][0][-1][0] == "ohlll"  # seed 0 gets stuck


# ---------------------------------------------------------------- gradients through time


def test_gradients_vanish_through_untrained_layers():
    norms = {kind: rb.gradient_through_time(kind, steps=41, seeds=2) for kind in ("rnn", "lstm", "gru")}
    for kind, values in norms.items():
        assert values.shape == (41,)
        assert values[40] < 1e-6 * values[0], kind  # exponential decay
    assert norms["rnn"][40] < norms["lstm"][40] and norms["rnn"][40] < norms["gru"][40]
    kept = rb.gradient_through_time("lstm", steps=41, forget_bias=3.0, seeds=2)
    assert kept[40] > 0.1 * kept[0]  # an open forget gate carries the gradient


def test_gradient_numbers_on_the_page():
    rnn = rb.gradient_through_time("rnn", steps=60)
    kept = rb.gradient_through_time("lstm", steps=60, forget_bias=3.0)
    assert f"{rnn[40]:.1e}" == "7.3e-12"
    assert f"{kept[0]:.2f}" == "0.31" and f"{kept[40]:.2f}" == "0.08"


# ---------------------------------------------------------------- the language model


def test_zen_of_python_is_decoded_without_printing(capsys):
    text = rb.zen_of_python()
    assert capsys.readouterr().out == ""
    assert text.startswith("The Zen of Python, by Tim Peters") and len(text) == 856
    vocab, codes = rb.encode_text("abca")
    assert vocab == ["a", "b", "c"] and codes.tolist() == [0, 1, 2, 0]


def test_detach_cuts_tensors_and_lstm_pairs():
    x = torch.ones(2, requires_grad=True) * 2
    assert x.requires_grad and not rb.detach(x).requires_grad
    h, c = rb.detach((x, x * 3))
    assert not h.requires_grad and not c.requires_grad and torch.equal(c, torch.full((2,), 6.0))


def test_language_model_shapes_training_and_generation():
    text = "abab abab abab abab abab abab " * 4
    model, vocab, losses = rb.train_language_model(text, kind="lstm", epochs=3, batch_size=2,
                                                   seq_len=10)
    assert vocab == [" ", "a", "b"] and len(losses) == 3 and losses[-1] < losses[0]
    logits, (h, c) = model(torch.tensor([[1], [2]]))
    assert logits.shape == (2, 1, 3) and h.shape == c.shape == (1, 1, 64)
    sample = rb.generate(model, vocab, "ab", length=12, temperature=0.5)
    assert sample.startswith("ab") and len(sample) == 14 and set(sample) <= set(vocab)
    assert rb.generate(model, vocab, "ab", length=12) == sample  # seeded sampling


def test_every_update_is_clipped(monkeypatch):
    seen = []
    clip = nn.utils.clip_grad_norm_

    def spy(parameters, max_norm):
        parameters = list(parameters)
        before = clip(parameters, max_norm)
        after = torch.cat([p.grad.flatten() for p in parameters]).norm()
        seen.append((before.item(), after.item(), max_norm))
        return before

    monkeypatch.setattr(nn.utils, "clip_grad_norm_", spy)
    rb.train_language_model(rb.zen_of_python(), kind="rnn", epochs=1, clip=0.5)
    assert len(seen) == 5  # 856 // 8 = 107 characters per stream: windows of 25, 25, 25, 25, 6
    assert all(m == 0.5 and after <= 0.5 + 1e-5 for _, after, m in seen)
    assert any(before > 0.5 for before, _, _ in seen)  # some gradients really were cut


@pytest.fixture(scope="module")
def language_models():
    """The runs of the chapter's figure (and, for the GRU, of the page)."""
    text = rb.zen_of_python()
    return {kind: runs.cached(rb.train_language_model, text, kind=kind, epochs=100, device="cpu")
            for kind in ("rnn", "lstm", "gru")}


def test_language_model_numbers_the_page_quotes(language_models):
    model, vocab, losses = language_models["gru"]
    assert len(vocab) == 45 and f"{math.log(45):.3f}" == "3.807"
    assert f"{losses[0]:.3f}" == "3.501" and f"{losses[9]:.3f}" == "1.529"
    assert losses[-1] < 0.1  # 0.040 or 0.030: the last epochs differ between processors (the page says so)
    sizes = {kind: sum(p.numel() for p in m.parameters()) for kind, (m, _, _) in language_models.items()}
    assert sizes == {"rnn": 8893, "lstm": 24637, "gru": 19389}
    losses = {kind: run[2] for kind, run in language_models.items()}
    leader = [min(losses, key=lambda kind: losses[kind][epoch]) for epoch in range(100)]
    assert set(leader[15:59]) == {"gru"}  # "after about 15 epochs the GRU takes the lead ... until about epoch 60"
    assert all(run[-1] < 0.2 for run in losses.values())  # "all three end below 0.2"
    first = {kind: run[2][4] for kind, run in language_models.items()}
    assert first["rnn"] < first["gru"] and first["rnn"] < first["lstm"]  # "the RNN falls fastest at first"
    sample = rb.generate(model, vocab, "Beautiful", length=200)
    assert sample.startswith("Beautifulity counts.")
