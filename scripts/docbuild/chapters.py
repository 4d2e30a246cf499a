"""The chapter table: the one place that says which chapters exist and what belongs to each.

A test holds it against the pages (file names and titles in both languages), the nav, the home
page's table, the API reference, the test modules and the figure modules; the notebook and
script builders take their list of chapters from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from docbuild.settings import ROOT


@dataclass(frozen=True)
class Chapter:
    number: int
    slug: str  # the page is docs/<lang>/<slug>.md
    zh: str  # title, without the number
    en: str
    module: str | None = None  # snippets.<module>: the chapter's code (tests/test_<module>.py tests it)
    written: bool = True  # False: a lecture of the course that has no page yet

    @property
    def page(self) -> str:
        return f"{self.slug}.md"

    @property
    def tag(self) -> str:
        """`ch03`: prefixes the chapter's figure module, figures, notebook and script."""
        return f"ch{self.number:02d}"

    def title(self, lang: str) -> str:
        return getattr(self, lang)

    @property
    def figure_module(self):
        """scripts/figures/chNN_<module>.py, or None when the chapter has no figures."""
        if self.module is None:
            return None
        path = ROOT / "scripts" / "figures" / f"{self.tag}_{self.module}.py"
        return path if path.is_file() else None


CHAPTERS = (
    Chapter(1, "01-overview", "课程概述与环境配置", "Overview and Setup"),
    Chapter(2, "02-linear-model", "线性模型", "Linear Model", "linear_model"),
    Chapter(3, "03-gradient-descent", "梯度下降", "Gradient Descent", "gradient_descent"),
    Chapter(4, "04-back-propagation", "反向传播", "Back Propagation", "back_propagation"),
    Chapter(5, "05-linear-regression", "用 PyTorch 实现线性回归", "Linear Regression with PyTorch",
            "linear_regression"),
    Chapter(6, "06-logistic-regression", "逻辑回归", "Logistic Regression", "logistic_regression"),
    Chapter(7, "07-multiple-dimension-input", "多维特征输入", "Multiple Dimension Input", "multiple_input"),
    Chapter(8, "08-dataset-and-dataloader", "加载数据集", "Dataset and DataLoader", "dataset_dataloader"),
    Chapter(9, "09-softmax-classifier", "多分类问题：Softmax 分类器", "Softmax Classifier",
            "softmax_classifier"),
    Chapter(10, "10-cnn-basics", "卷积神经网络（基础篇）", "CNN Basics", "cnn_basics"),
    Chapter(11, "11-cnn-advanced", "卷积神经网络（高级篇）", "Advanced CNN", "cnn_advanced"),
    Chapter(12, "12-rnn-basics", "循环神经网络（基础篇）", "RNN Basics", "rnn_basics"),
    Chapter(13, "13-rnn-classifier", "循环神经网络（高级篇）", "RNN Classifier", "rnn_classifier"),
)
# Where to read and watch more, per lecture: the course's video (one part per lecture, part N is
# lecture N) and the matching section of Dive into Deep Learning, in its Chinese and English
# editions (zh.d2l.ai, d2l.ai), whose chapter paths differ.
VIDEO = "https://www.bilibili.com/video/BV1Y7411d7Ys?p={number}"
D2L = {
    1: ("https://zh.d2l.ai/chapter_introduction/index.html", "https://d2l.ai/chapter_introduction/index.html"),
    2: ("https://zh.d2l.ai/chapter_linear-networks/linear-regression.html",
        "https://d2l.ai/chapter_linear-regression/linear-regression.html"),
    3: ("https://zh.d2l.ai/chapter_optimization/gd.html", "https://d2l.ai/chapter_optimization/gd.html"),
    4: ("https://zh.d2l.ai/chapter_multilayer-perceptrons/backprop.html",
        "https://d2l.ai/chapter_multilayer-perceptrons/backprop.html"),
    5: ("https://zh.d2l.ai/chapter_linear-networks/linear-regression-concise.html",
        "https://d2l.ai/chapter_linear-regression/linear-regression-concise.html"),
    6: ("https://zh.d2l.ai/chapter_linear-networks/softmax-regression.html",
        "https://d2l.ai/chapter_linear-classification/softmax-regression.html"),
    7: ("https://zh.d2l.ai/chapter_multilayer-perceptrons/mlp.html",
        "https://d2l.ai/chapter_multilayer-perceptrons/mlp.html"),
    8: ("https://zh.d2l.ai/chapter_linear-networks/linear-regression-concise.html",
        "https://d2l.ai/chapter_linear-regression/synthetic-regression-data.html"),
    9: ("https://zh.d2l.ai/chapter_linear-networks/softmax-regression-concise.html",
        "https://d2l.ai/chapter_linear-classification/softmax-regression-concise.html"),
    10: ("https://zh.d2l.ai/chapter_convolutional-neural-networks/lenet.html",
         "https://d2l.ai/chapter_convolutional-neural-networks/lenet.html"),
    11: ("https://zh.d2l.ai/chapter_convolutional-modern/resnet.html",
         "https://d2l.ai/chapter_convolutional-modern/resnet.html"),
    12: ("https://zh.d2l.ai/chapter_recurrent-neural-networks/rnn.html",
         "https://d2l.ai/chapter_recurrent-neural-networks/rnn.html"),
    13: ("https://zh.d2l.ai/chapter_recurrent-modern/gru.html", "https://d2l.ai/chapter_recurrent-modern/gru.html"),
}
# Modules of snippets/ that belong to no single chapter.
SHARED_MODULES = ("devices", "datasets")


def written() -> tuple[Chapter, ...]:
    return tuple(c for c in CHAPTERS if c.written)


def by_slug(slug: str) -> Chapter | None:
    return next((c for c in CHAPTERS if c.slug == slug), None)
