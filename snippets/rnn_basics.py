"""Chapter 12: recurrent neural networks, the basics.

One step of a simple RNN cell written out and checked against ``nn.RNNCell``; the lecture's
"hello" -> "ohlol" example three ways (an ``RNNCell`` with a hand-written time loop, ``nn.RNN``
over the whole sequence, and Embedding -> two-layer RNN -> Linear); the same network with an
LSTM or a GRU for the exercises; how far back a gradient reaches through an untrained RNN, LSTM
or GRU; and a character-level language model trained with truncated backpropagation through
time and gradient clipping on a text that ships with Python, the Zen of Python.
"""

from __future__ import annotations

# --8<-- [start:imports]
import codecs
import contextlib
import io

import torch
from torch import nn
# --8<-- [end:imports]

# --8<-- [start:constants]
IDX2CHAR = ["e", "h", "l", "o"]
"""The letters of "hello" and "ohlol"; a letter's index is its position in this list."""
X_DATA = [1, 0, 2, 2, 3]
"""The input "hello" as letter indices."""
Y_DATA = [3, 1, 2, 3, 2]
"""The target "ohlol" as letter indices."""
LAYERS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
"""The three recurrent layers of PyTorch, by name."""
# --8<-- [end:constants]


# --8<-- [start:cell-step]
def rnn_cell_step(x: torch.Tensor, h: torch.Tensor, cell: nn.RNNCell) -> torch.Tensor:
    """One step of a simple RNN cell, written out with the cell's own weights.

    Parameters
    ----------
    x
        The input at this time step, shape (batch, input_size).
    h
        The previous hidden state, shape (batch, hidden_size).
    cell
        An ``nn.RNNCell`` (tanh) whose weights are used.

    Returns
    -------
    torch.Tensor
        The new hidden state ``tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)``, shape (batch, hidden_size).
    """
    return torch.tanh(x @ cell.weight_ih.T + cell.bias_ih + h @ cell.weight_hh.T + cell.bias_hh)


def unroll(cell: nn.RNNCell, inputs: torch.Tensor, hidden: torch.Tensor) -> torch.Tensor:
    """Run a cell over a whole sequence with a time loop, the same cell at every step.

    Parameters
    ----------
    cell
        The cell; its weights are shared by all time steps.
    inputs
        The sequence, shape (seq_len, batch, input_size).
    hidden
        The initial hidden state h0, shape (batch, hidden_size).

    Returns
    -------
    torch.Tensor
        The hidden states h1 ... hT, shape (seq_len, batch, hidden_size).
    """
    states = []
    for x in inputs:  # x: (batch, input_size), one time step
        hidden = cell(x, hidden)
        states.append(hidden)
    return torch.stack(states)
# --8<-- [end:cell-step]


# --8<-- [start:hello-data]
def one_hot(indices: list[int], num_classes: int = len(IDX2CHAR)) -> torch.Tensor:
    """One-hot vectors: row ``k`` of the identity matrix for index ``k``.

    Parameters
    ----------
    indices
        Class indices.
    num_classes
        Length of each vector.

    Returns
    -------
    torch.Tensor
        float32 of shape (len(indices), num_classes).
    """
    return torch.eye(num_classes)[indices]


def hello_tensors() -> tuple[torch.Tensor, torch.Tensor]:
    """The lecture's data: one-hot "hello" as inputs, the indices of "ohlol" as labels.

    Returns
    -------
    tuple of torch.Tensor
        ``inputs`` of shape (seq_len, batch, input_size) = (5, 1, 4) and ``labels`` of shape
        (seq_len, batch) = (5, 1), int64.
    """
    inputs = one_hot(X_DATA).view(len(X_DATA), 1, len(IDX2CHAR))  # (seq, batch, input)
    labels = torch.tensor(Y_DATA).view(len(Y_DATA), 1)  # (seq, batch)
    return inputs, labels


def decode(indices: list[int]) -> str:
    """Turn letter indices back into a string."""
    return "".join(IDX2CHAR[i] for i in indices)
# --8<-- [end:hello-data]


# --8<-- [start:cell-model]
class CellModel(nn.Module):
    """The lecture's first model: an ``RNNCell`` whose hidden state is also its output."""

    def __init__(self, input_size: int = 4, hidden_size: int = 4, batch_size: int = 1) -> None:
        super().__init__()
        self.batch_size = batch_size
        self.hidden_size = hidden_size
        self.rnncell = nn.RNNCell(input_size=input_size, hidden_size=hidden_size)

    def forward(self, x: torch.Tensor, hidden: torch.Tensor) -> torch.Tensor:
        """One time step: (batch, input_size) and (batch, hidden_size) -> new hidden state."""
        return self.rnncell(x, hidden)

    def init_hidden(self) -> torch.Tensor:
        """h0: zeros of shape (batch, hidden_size), on the device of the weights."""
        return torch.zeros(self.batch_size, self.hidden_size, device=self.rnncell.weight_ih.device)


def train_cell_model(
    model: CellModel,
    inputs: torch.Tensor,
    labels: torch.Tensor,
    epochs: int = 15,
    lr: float = 0.1,
    device: torch.device | str = "cpu",
) -> list[tuple[str, float]]:
    """Train the cell model on one sequence, the loss summed over the time steps.

    Parameters
    ----------
    model
        A ``CellModel``; it is moved to ``device``.
    inputs, labels
        The sequence from :func:`hello_tensors`: (seq_len, batch, input_size) and (seq_len, batch).
    epochs
        Training steps (each one reads the whole sequence once).
    lr
        Learning rate of Adam.
    device
        Where to train.

    Returns
    -------
    list of tuple
        For every epoch: the predicted string (computed before that epoch's update) and the loss.
    """
    model.to(device)
    inputs, labels = inputs.to(device), labels.to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for epoch in range(epochs):
        optimizer.zero_grad()
        hidden = model.init_hidden()
        loss = 0
        predicted = []
        for x, label in zip(inputs, labels):  # x: (batch, 4), label: (batch,)
            hidden = model(x, hidden)
            loss = loss + criterion(hidden, label)  # sum over time: one graph for the whole sequence
            predicted.append(hidden.argmax(dim=1).item())
        loss.backward()
        optimizer.step()
        history.append((decode(predicted), loss.item()))
    return history
# --8<-- [end:cell-model]


# --8<-- [start:rnn-model]
class RNNModel(nn.Module):
    """The same network with ``nn.RNN``: the whole sequence in one call."""

    def __init__(self, input_size: int = 4, hidden_size: int = 4, num_layers: int = 1) -> None:
        super().__init__()
        self.num_layers = num_layers
        self.hidden_size = hidden_size
        self.rnn = nn.RNN(input_size=input_size, hidden_size=hidden_size, num_layers=num_layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map a sequence (seq_len, batch, input_size) to scores (seq_len * batch, hidden_size)."""
        hidden = torch.zeros(self.num_layers, x.size(1), self.hidden_size, device=x.device)
        out, _ = self.rnn(x, hidden)  # out: (seq_len, batch, hidden_size), the last layer's h_t
        return out.view(-1, self.hidden_size)  # one row per letter
# --8<-- [end:rnn-model]


# --8<-- [start:embedding-model]
class EmbeddingModel(nn.Module):
    """Embedding -> two-layer RNN -> Linear: letter indices in, one score per letter out."""

    def __init__(
        self,
        num_class: int = 4,
        input_size: int = 4,
        embedding_size: int = 10,
        hidden_size: int = 8,
        num_layers: int = 2,
    ) -> None:
        super().__init__()
        self.num_class = num_class
        self.num_layers = num_layers
        self.hidden_size = hidden_size
        self.emb = nn.Embedding(input_size, embedding_size)
        self.rnn = nn.RNN(input_size=embedding_size, hidden_size=hidden_size,
                          num_layers=num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, num_class)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map int64 indices (batch, seq_len) to scores (batch * seq_len, num_class)."""
        hidden = torch.zeros(self.num_layers, x.size(0), self.hidden_size, device=x.device)
        x = self.emb(x)  # (batch, seq_len, embedding_size)
        x, _ = self.rnn(x, hidden)  # (batch, seq_len, hidden_size); h0 stays (layers, batch, hidden)
        x = self.fc(x)  # (batch, seq_len, num_class)
        return x.view(-1, self.num_class)
# --8<-- [end:embedding-model]


# --8<-- [start:train-sequence]
def train_sequence_model(
    model: nn.Module,
    inputs: torch.Tensor,
    labels: torch.Tensor,
    epochs: int = 15,
    lr: float = 0.1,
    device: torch.device | str = "cpu",
) -> list[tuple[str, float]]:
    """Train a model that maps a whole sequence to one row of scores per letter.

    Parameters
    ----------
    model
        ``RNNModel``, ``EmbeddingModel`` or ``RecurrentModel``; it is moved to ``device``.
    inputs
        What the model reads: one-hot (seq_len, batch, 4) or indices (batch, seq_len).
    labels
        The target letters in the order of the model's output rows.
    epochs
        Training steps.
    lr
        Learning rate of Adam.
    device
        Where to train.

    Returns
    -------
    list of tuple
        For every epoch: the predicted string (before that epoch's update) and the loss, the
        mean over the time steps.
    """
    model.to(device)
    inputs, labels = inputs.to(device), labels.to(device).view(-1)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for epoch in range(epochs):
        optimizer.zero_grad()
        outputs = model(inputs)  # (seq_len * batch, num_class)
        loss = criterion(outputs, labels)  # the mean over the time steps
        loss.backward()
        optimizer.step()
        history.append((decode(outputs.argmax(dim=1).tolist()), loss.item()))
    return history
# --8<-- [end:train-sequence]


# --8<-- [start:recurrent-model]
class RecurrentModel(nn.Module):
    """Embedding -> RNN, LSTM or GRU -> Linear, the same interface for all three."""

    def __init__(
        self,
        kind: str = "lstm",
        num_class: int = 4,
        input_size: int = 4,
        embedding_size: int = 10,
        hidden_size: int = 8,
        num_layers: int = 2,
    ) -> None:
        super().__init__()
        self.num_class = num_class
        self.emb = nn.Embedding(input_size, embedding_size)
        self.rnn = LAYERS[kind](embedding_size, hidden_size, num_layers=num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, num_class)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map int64 indices (batch, seq_len) to scores (batch * seq_len, num_class)."""
        out, _ = self.rnn(self.emb(x))  # no h0 given: zeros (and c0 = zeros for the LSTM)
        return self.fc(out).view(-1, self.num_class)
# --8<-- [end:recurrent-model]


# --8<-- [start:seeds]
def first_epoch(history: list[tuple[str, float]], target: str = "ohlol") -> int | None:
    """The first epoch (counting from 1) whose prediction is ``target``, or None."""
    return next((epoch for epoch, (predicted, _) in enumerate(history, start=1)
                 if predicted == target), None)


def hello_seed_runs(
    kind: str = "cell", seeds: int = 20, epochs: int = 15, device: torch.device | str = "cpu"
) -> list[list[tuple[str, float]]]:
    """Train a hello model once per seed (0, 1, ...) with the settings of the page.

    Parameters
    ----------
    kind
        ``"cell"`` (``CellModel``, lr 0.1), ``"embedding"`` (``EmbeddingModel``, lr 0.05), or
        ``"lstm"`` / ``"gru"`` (``RecurrentModel``, lr 0.05).
    seeds
        Number of runs; run ``k`` starts with ``torch.manual_seed(k)``.
    epochs
        Epochs per run.
    device
        Where to train.

    Returns
    -------
    list
        The history of every run (see :func:`train_cell_model`).
    """
    inputs, labels = hello_tensors()
    histories = []
    for seed in range(seeds):
        torch.manual_seed(seed)
        if kind == "cell":
            history = train_cell_model(CellModel(), inputs, labels, epochs, 0.1, device)
        else:
            model = EmbeddingModel() if kind == "embedding" else RecurrentModel(kind)
            history = train_sequence_model(model, torch.tensor([X_DATA]), torch.tensor(Y_DATA),
                                           epochs, 0.05, device)
        histories.append(history)
    return histories
# --8<-- [end:seeds]


# --8<-- [start:gradient-through-time]
def gradient_through_time(
    kind: str = "rnn",
    steps: int = 60,
    input_size: int = 8,
    hidden_size: int = 32,
    forget_bias: float | None = None,
    seeds: int = 5,
) -> torch.Tensor:
    """How much the last hidden state of an untrained layer depends on each earlier input.

    Parameters
    ----------
    kind
        ``"rnn"``, ``"lstm"`` or ``"gru"``.
    steps
        Length T of the random input sequence.
    input_size, hidden_size
        Sizes of the layer.
    forget_bias
        For an LSTM: set the bias of the forget gate to this value (PyTorch's default is close
        to 0, so the gate starts near sigmoid(0) = 0.5).
    seeds
        The result is averaged over this many random layers and sequences (seeds 0, 1, ...).

    Returns
    -------
    torch.Tensor
        float32 of shape (steps,): entry ``k`` is the norm of the gradient of ``sum(h_T)`` with
        respect to the input ``k`` steps before the end (``k = 0``: the last input).
    """
    norms = []
    for seed in range(seeds):
        torch.manual_seed(seed)
        layer = LAYERS[kind](input_size, hidden_size)
        if forget_bias is not None:  # LSTM gates are stored in the order i, f, g, o
            with torch.no_grad():
                layer.bias_ih_l0[hidden_size:2 * hidden_size] = forget_bias
                layer.bias_hh_l0[hidden_size:2 * hidden_size] = 0.0
        x = torch.randn(steps, 1, input_size, requires_grad=True)
        out, _ = layer(x)
        out[-1].sum().backward()  # d sum(h_T) / d x_t for every t
        norms.append(x.grad.norm(dim=(1, 2)).flip(0))  # flip: distance from the end
    return torch.stack(norms).mean(dim=0)
# --8<-- [end:gradient-through-time]


# --8<-- [start:text]
def zen_of_python() -> str:
    """The Zen of Python, the text that ``import this`` prints.

    Returns
    -------
    str
        The poem: the module ``this`` keeps it rot13-encoded in ``this.s``.
    """
    with contextlib.redirect_stdout(io.StringIO()):  # importing `this` prints the poem
        import this
    return codecs.decode(this.s, "rot13")


def encode_text(text: str) -> tuple[list[str], torch.Tensor]:
    """The sorted characters of ``text`` and the text as their indices.

    Returns
    -------
    tuple
        ``vocab`` (list of str) and int64 ``codes`` of shape (len(text),).
    """
    vocab = sorted(set(text))
    index = {char: i for i, char in enumerate(vocab)}
    return vocab, torch.tensor([index[char] for char in text])
# --8<-- [end:text]


# --8<-- [start:language-model]
class CharLanguageModel(nn.Module):
    """Predict the next character: Embedding -> RNN, LSTM or GRU -> Linear."""

    def __init__(self, vocab_size: int, kind: str = "gru", embedding_size: int = 16,
                 hidden_size: int = 64) -> None:
        super().__init__()
        self.emb = nn.Embedding(vocab_size, embedding_size)
        self.rnn = LAYERS[kind](embedding_size, hidden_size)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def forward(self, x: torch.Tensor, hidden=None):
        """Map indices (seq_len, batch) to next-character scores (seq_len, batch, vocab_size)."""
        out, hidden = self.rnn(self.emb(x), hidden)
        return self.fc(out), hidden


def detach(hidden):
    """Cut the graph behind a hidden state (a tensor, or the (h, c) pair of an LSTM)."""
    if isinstance(hidden, tuple):
        return tuple(h.detach() for h in hidden)
    return hidden.detach()


def train_language_model(
    text: str,
    kind: str = "gru",
    epochs: int = 100,
    batch_size: int = 8,
    seq_len: int = 25,
    lr: float = 0.01,
    clip: float = 1.0,
    seed: int = 0,
    device: torch.device | str = "cpu",
) -> tuple[CharLanguageModel, list[str], list[float]]:
    """Train a character language model with truncated backpropagation through time.

    The text is cut into ``batch_size`` streams that are read side by side, ``seq_len``
    characters at a time; the hidden state is carried from one window to the next but
    detached, so each backward pass goes back ``seq_len`` steps at most.

    Parameters
    ----------
    text
        The training text.
    kind
        ``"rnn"``, ``"lstm"`` or ``"gru"``.
    epochs
        Passes over the text.
    batch_size
        Number of parallel streams.
    seq_len
        Window length: how far back each backward pass reaches.
    lr
        Learning rate of Adam.
    clip
        Largest allowed norm of the gradient (all parameters together).
    seed
        Seed of the initial weights.
    device
        Where to train.

    Returns
    -------
    tuple
        The trained model, its vocabulary and the mean loss of every epoch.
    """
    vocab, codes = encode_text(text)
    length = len(codes) // batch_size
    streams = codes[: batch_size * length].view(batch_size, length).t().to(device)  # (length, batch)
    torch.manual_seed(seed)
    model = CharLanguageModel(len(vocab), kind).to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        hidden, total, windows = None, 0.0, 0
        for start in range(0, length - 1, seq_len):
            x = streams[start:start + seq_len]
            y = streams[start + 1:start + 1 + seq_len]  # the next character of each position
            x = x[: len(y)]
            logits, hidden = model(x, hidden)
            hidden = detach(hidden)  # keep the state, forget how it was computed
            loss = criterion(logits.reshape(-1, len(vocab)), y.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), clip)  # rescale if the norm exceeds clip
            optimizer.step()
            total += loss.item()
            windows += 1
        losses.append(total / windows)
    return model, vocab, losses


def generate(
    model: CharLanguageModel,
    vocab: list[str],
    prime: str,
    length: int = 100,
    temperature: float = 0.5,
    seed: int = 0,
) -> str:
    """Let the model write: feed ``prime``, then sample one character after the other.

    Parameters
    ----------
    model
        A trained :class:`CharLanguageModel`.
    vocab
        Its vocabulary; every character of ``prime`` must be in it.
    prime
        The beginning of the text.
    length
        Number of characters to add.
    temperature
        Below 1: safer, more repetitive choices; above 1: more surprising ones.
    seed
        Seed of the sampling.

    Returns
    -------
    str
        ``prime`` followed by ``length`` generated characters.
    """
    device = model.fc.weight.device
    generator = torch.Generator().manual_seed(seed)
    model.eval()
    text = prime
    with torch.no_grad():
        x = torch.tensor([[vocab.index(char)] for char in prime], device=device)  # (len, 1)
        logits, hidden = model(x)
        for _ in range(length):
            probs = torch.softmax(logits[-1, 0] / temperature, dim=0).cpu()
            index = torch.multinomial(probs, 1, generator=generator).item()
            text += vocab[index]
            logits, hidden = model(torch.tensor([[index]], device=device), hidden)
    return text
# --8<-- [end:language-model]
