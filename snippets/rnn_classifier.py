"""Chapter 13: a recurrent classifier that reads a surname and guesses its country.

The data: surname lists of eleven locales of the ``faker`` package, transliterated to ASCII
with ``anyascii``, names that occur in more than one list dropped, a seeded class-balanced
train/test split. The lecture's pipeline: a ``Dataset`` of (name, country) pairs with a sorted
country list, character codes, padding and lengths (here with ``collate_fn`` and
``pad_sequence``), ``pack_padded_sequence`` with CPU lengths and ``enforce_sorted=False``,
Embedding -> bidirectional two-layer GRU -> Linear on the concatenated last hidden states,
Adam, test accuracy after every epoch, and predictions for any name. Plus the honest part of
the evaluation: a majority-class baseline, the confusion matrix, and the duplicates between the
training and the test names.
"""

from __future__ import annotations

# --8<-- [start:imports]
import importlib
import random
from collections import Counter

import torch
from anyascii import anyascii
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence
from torch.utils.data import DataLoader, Dataset
# --8<-- [end:imports]

# --8<-- [start:constants]
SURNAME_SOURCES = {
    "Czech": ("cs_CZ", ("last_names",)),
    "Dutch": ("nl_NL", ("last_names",)),
    "English": ("en_GB", ("last_names",)),
    "French": ("fr_FR", ("last_names",)),
    "German": ("de_DE", ("last_names",)),
    "Greek": ("el_GR", ("last_names",)),
    "Irish": ("ga_IE", ("last_names",)),
    "Italian": ("it_IT", ("last_names",)),
    "Polish": ("pl_PL", ("unisex_last_names", "male_last_names")),
    "Russian": ("ru_RU", ("last_names",)),
    "Spanish": ("es_ES", ("last_names",)),
}
"""Country -> (faker locale, the attributes of its person provider that hold surnames)."""
N_CHARS = 128
"""Character codes 0-127: ASCII, as in the lecture (every name is transliterated to ASCII)."""
HIDDEN_SIZE = 100
"""Size of the embeddings and of the GRU's hidden state."""
N_LAYERS = 2
"""Stacked GRU layers."""
BATCH_SIZE = 64
"""Names per training batch."""
WORD_SOURCES = {
    "Dutch": "nl_NL",
    "English": "en_US",
    "French": "fr_FR",
    "German": "de_DE",
    "Italian": "it_IT",
    "Polish": "pl_PL",
    "Spanish": "es_ES",
}
"""Language -> the faker locale whose lorem-ipsum word list is used."""
# --8<-- [end:constants]


# --8<-- [start:data]
def provider_names(package: str, locale: str, attributes: tuple[str, ...]) -> list[str]:
    """The names (or words) a faker provider lists, transliterated to ASCII and deduplicated.

    Parameters
    ----------
    package
        The faker provider package, e.g. ``"person"`` or ``"lorem"``.
    locale
        The locale, e.g. ``"de_DE"``.
    attributes
        The provider's class attributes to read, e.g. ``("last_names",)``.

    Returns
    -------
    list of str
        Sorted, unique, non-empty ASCII strings.
    """
    provider = importlib.import_module(f"faker.providers.{package}.{locale}").Provider
    names = set()
    for attribute in attributes:
        for name in getattr(provider, attribute):  # a tuple, list or dict of names
            names.add(anyascii(name).strip())  # "Müller" -> "Muller", "Иванов" -> "Ivanov"
    names.discard("")
    return sorted(names)


def surname_lists() -> dict[str, list[str]]:
    """Every country's surname list from faker, as ASCII (see ``SURNAME_SOURCES``)."""
    return {country: provider_names("person", locale, attributes)
            for country, (locale, attributes) in sorted(SURNAME_SOURCES.items())}


def shared_names(lists: dict[str, list[str]]) -> set[str]:
    """The names (compared case-insensitively) that occur in more than one list."""
    counts = Counter(name.casefold() for names in lists.values() for name in set(names))
    return {name for name, count in counts.items() if count > 1}


def balanced_split(
    lists: dict[str, list[str]], per_class: int, test_per_class: int, seed: int = 0
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Draw the same number of names from every list and split them into train and test.

    Names that occur in several lists are dropped first, so every name has one label.

    Parameters
    ----------
    lists
        Class -> its names.
    per_class
        Names drawn from every class.
    test_per_class
        How many of them go to the test set.
    seed
        Seed of the draw.

    Returns
    -------
    tuple of list
        ``train`` and ``test``: (name, class) pairs, sorted by class, then name.

    Raises
    ------
    ValueError
        If a list has fewer than ``per_class`` names that no other list contains.
    """
    shared = shared_names(lists)
    rng = random.Random(seed)
    train, test = [], []
    for label in sorted(lists):
        candidates = sorted(n for n in set(lists[label]) if n.casefold() not in shared)
        if len(candidates) < per_class:
            raise ValueError(f"{label}: only {len(candidates)} names of its own, {per_class} asked for")
        chosen = rng.sample(candidates, per_class)
        test += [(name, label) for name in chosen[:test_per_class]]
        train += [(name, label) for name in chosen[test_per_class:]]
    return sorted(train, key=lambda r: (r[1], r[0])), sorted(test, key=lambda r: (r[1], r[0]))


def surname_split(
    per_class: int = 180, test_per_class: int = 36, seed: int = 0
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The chapter's data: 180 surnames per country, 144 for training and 36 for testing."""
    return balanced_split(surname_lists(), per_class, test_per_class, seed)
# --8<-- [end:data]


# --8<-- [start:check-split]
def same_stem(a: str, b: str, ending: int = 3) -> bool:
    """Whether two names are one stem with different endings, like ``Novak`` and ``Novakova``.

    They must share a beginning of at least 4 letters, after which the shorter name has at
    most one letter left and the longer one at most ``ending``: ``Cerny`` and ``Cerna`` or
    ``Abramov`` and ``Abramova`` count, ``Collet`` and ``Collin`` do not.
    """
    a, b = sorted((a.casefold(), b.casefold()), key=len)
    common = 0
    while common < len(a) and a[common] == b[common]:
        common += 1
    return common >= 4 and len(a) - common <= 1 and len(b) - common <= ending


def split_report(
    train: list[tuple[str, str]], test: list[tuple[str, str]]
) -> dict[str, int]:
    """Count what could make the test set easier than new names would be.

    Returns
    -------
    dict
        ``"in both"``: test names that are also training names (case-insensitive);
        ``"two classes"``: names with more than one label; ``"same stem"``: test names with a
        training name of the same class that differs only in its ending (see :func:`same_stem`).
    """
    train_names = {name.casefold() for name, _ in train}
    labels = {}
    for name, label in train + test:
        labels.setdefault(name.casefold(), set()).add(label)
    by_class = {}
    for name, label in train:
        by_class.setdefault(label, []).append(name)
    stems = sum(any(same_stem(name, other) for other in by_class.get(label, ())) for name, label in test)
    return {
        "in both": sum(name.casefold() in train_names for name, _ in test),
        "two classes": sum(len(found) > 1 for found in labels.values()),
        "same stem": stems,
    }
# --8<-- [end:check-split]


# --8<-- [start:dataset]
class NameDataset(Dataset):
    """(name, country) pairs; sample ``i`` is the name and the index of its country."""

    def __init__(self, rows: list[tuple[str, str]], countries: list[str] | None = None) -> None:
        self.names = [name for name, _ in rows]
        self.countries = countries or sorted({country for _, country in rows})  # sorted list
        self.country_dict = {country: i for i, country in enumerate(self.countries)}
        self.labels = [self.country_dict[country] for _, country in rows]

    def __getitem__(self, index: int) -> tuple[str, int]:
        return self.names[index], self.labels[index]

    def __len__(self) -> int:
        return len(self.names)

    def get_country(self, index: int) -> str:
        """The country with the given index."""
        return self.countries[index]
# --8<-- [end:dataset]


# --8<-- [start:collate]
def name_to_codes(name: str) -> torch.Tensor:
    """The character codes (0-127) of a name, transliterated to ASCII first.

    Raises
    ------
    ValueError
        If nothing is left of the name after transliteration.
    """
    codes = [ord(char) for char in anyascii(name).strip()]  # "Łukasz" -> "Lukasz" -> codes
    if not codes:
        raise ValueError(f"{name!r} has no characters to read")
    return torch.tensor(codes)


def collate_names(batch: list[tuple[str, int]]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Turn a list of samples into a padded batch (the ``collate_fn`` of the loaders).

    Parameters
    ----------
    batch
        ``(name, country index)`` samples, as a ``NameDataset`` returns them.

    Returns
    -------
    tuple of torch.Tensor
        ``codes``: int64 (max_len, batch), padded with 0 at the end of the shorter names;
        ``lengths``: int64 (batch,) on the CPU, the length of every name;
        ``labels``: int64 (batch,), the country indices.
    """
    names, labels = zip(*batch)
    sequences = [name_to_codes(name) for name in names]
    lengths = torch.tensor([len(s) for s in sequences])  # int64 on the CPU, as packing wants it
    return pad_sequence(sequences), lengths, torch.tensor(labels)


def make_loaders(
    train_set: NameDataset, test_set: NameDataset, batch_size: int = BATCH_SIZE, seed: int = 0
) -> tuple[DataLoader, DataLoader]:
    """Loaders that batch names with :func:`collate_names`; the training one shuffles (seeded)."""
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True,
                              collate_fn=collate_names, generator=torch.Generator().manual_seed(seed))
    test_loader = DataLoader(test_set, batch_size=batch_size, collate_fn=collate_names)
    return train_loader, test_loader
# --8<-- [end:collate]


# --8<-- [start:model]
class RNNClassifier(nn.Module):
    """Embedding -> GRU (bidirectional by default) -> Linear on the last hidden state(s)."""

    def __init__(
        self,
        input_size: int = N_CHARS,
        hidden_size: int = HIDDEN_SIZE,
        output_size: int = len(SURNAME_SOURCES),
        n_layers: int = N_LAYERS,
        bidirectional: bool = True,
    ) -> None:
        super().__init__()
        self.n_directions = 2 if bidirectional else 1
        self.embedding = nn.Embedding(input_size, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size, n_layers, bidirectional=bidirectional)
        self.fc = nn.Linear(hidden_size * self.n_directions, output_size)

    def forward(self, codes: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Map padded codes (seq_len, batch) and their lengths to logits (batch, output_size)."""
        embedded = self.embedding(codes)  # (seq_len, batch, hidden_size)
        packed = pack_padded_sequence(embedded, lengths.cpu(), enforce_sorted=False)
        _, hidden = self.gru(packed)  # h0 = zeros; hidden: (n_layers * n_directions, batch, hidden_size)
        if self.n_directions == 2:
            hidden = torch.cat([hidden[-1], hidden[-2]], dim=1)  # last layer: backward, forward
        else:
            hidden = hidden[-1]  # last layer, the only direction
        return self.fc(hidden)
# --8<-- [end:model]


# --8<-- [start:train-test]
def train_epoch(
    model: nn.Module,
    loader: DataLoader,
    criterion: nn.Module,
    optimizer: torch.optim.Optimizer,
    device: torch.device | str = "cpu",
) -> float:
    """Train for one pass over ``loader``; return the mean loss per name."""
    model.train()
    total_loss, seen = 0.0, 0
    for codes, lengths, labels in loader:
        codes, labels = codes.to(device), labels.to(device)  # lengths stay on the CPU
        output = model(codes, lengths)
        loss = criterion(output, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(labels)
        seen += len(labels)
    return total_loss / seen


def predict(
    model: nn.Module, loader: DataLoader, device: torch.device | str = "cpu"
) -> tuple[torch.Tensor, torch.Tensor]:
    """The true and the predicted country of every name in ``loader``.

    Returns
    -------
    tuple of torch.Tensor
        ``labels`` and ``predicted``, int64 of shape (N,), on the CPU.
    """
    model.eval()  # evaluation mode
    labels, predicted = [], []
    with torch.no_grad():  # no graph at test time
        for codes, lengths, batch_labels in loader:
            output = model(codes.to(device), lengths)
            predicted.append(output.argmax(dim=1).cpu())
            labels.append(batch_labels)
    return torch.cat(labels), torch.cat(predicted)


def evaluate(model: nn.Module, loader: DataLoader, device: torch.device | str = "cpu") -> float:
    """The fraction of names in ``loader`` whose country ``model`` gets right."""
    labels, predicted = predict(model, loader, device)
    return (labels == predicted).float().mean().item()
# --8<-- [end:train-test]


# --8<-- [start:fit]
def fit(
    model: nn.Module,
    train_loader: DataLoader,
    test_loader: DataLoader,
    epochs: int,
    lr: float = 0.001,
    device: torch.device | str = "cpu",
) -> dict[str, list[float]]:
    """Train with cross-entropy and Adam, measuring the test accuracy after every epoch.

    Returns
    -------
    dict
        ``loss``: the mean training loss of every epoch; ``accuracy``: the test accuracy
        after every epoch.
    """
    model.to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = {"loss": [], "accuracy": []}
    for epoch in range(epochs):
        history["loss"].append(train_epoch(model, train_loader, criterion, optimizer, device))
        history["accuracy"].append(evaluate(model, test_loader, device))
    return history


def train_classifier(
    epochs: int = 20,
    bidirectional: bool = True,
    seed: int = 0,
    device: torch.device | str = "cpu",
) -> tuple[RNNClassifier, dict[str, list[float]], NameDataset, NameDataset]:
    """Train a fresh classifier on the chapter's surnames (the split itself is always seed 0).

    Parameters
    ----------
    epochs
        Passes over the 1584 training names (25 batches of 64).
    bidirectional
        Read each name in both directions.
    seed
        Seed of the initial weights and of the shuffling.
    device
        Where to train.

    Returns
    -------
    tuple
        The model, its history (see :func:`fit`), the training and the test set.
    """
    train_rows, test_rows = surname_split()
    train_set = NameDataset(train_rows)
    test_set = NameDataset(test_rows, train_set.countries)  # the same country indices
    torch.manual_seed(seed)
    model = RNNClassifier(output_size=len(train_set.countries), bidirectional=bidirectional)
    train_loader, test_loader = make_loaders(train_set, test_set, seed=seed)
    history = fit(model, train_loader, test_loader, epochs, device=device)
    return model, history, train_set, test_set
# --8<-- [end:fit]


# --8<-- [start:predict-names]
def predict_countries(
    model: nn.Module, names: list[str], countries: list[str], device: torch.device | str = "cpu"
) -> list[tuple[str, float]]:
    """The most likely country of each name, with its softmax probability.

    Parameters
    ----------
    model
        A trained classifier.
    names
        Any names; they are transliterated to ASCII.
    countries
        The country list of the training set (index -> country).
    device
        Where ``model`` lives.

    Returns
    -------
    list of tuple
        ``(country, probability)`` for every name.
    """
    codes, lengths, _ = collate_names([(name, 0) for name in names])
    model.eval()
    with torch.no_grad():
        probs = torch.softmax(model(codes.to(device), lengths), dim=1).cpu()
    best, index = probs.max(dim=1)
    return [(countries[i], p) for i, p in zip(index.tolist(), best.tolist())]
# --8<-- [end:predict-names]


# --8<-- [start:baseline]
def majority_baseline(train_set: NameDataset, test_set: NameDataset) -> float:
    """Test accuracy of always answering the most frequent training country."""
    counts = Counter(train_set.labels)
    most = max(sorted(counts), key=counts.get)  # ties: the smallest index
    return sum(label == most for label in test_set.labels) / len(test_set)
# --8<-- [end:baseline]


# --8<-- [start:words]
def word_split(
    per_class: int = 300, test_per_class: int = 60, seed: int = 0
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Words of seven languages from faker's lorem word lists, balanced and split."""
    lists = {language: [word for word in provider_names("lorem", locale, ("word_list",))
                        if word.isalpha()]  # letters only: the Polish list has numbers too
             for language, locale in WORD_SOURCES.items()}
    return balanced_split(lists, per_class, test_per_class, seed)
# --8<-- [end:words]
