"""A matplotlib backend for running pages and notebooks without a screen.

It draws like Agg; `plt.show()` closes the figures it would have shown, as closing the window of
an interactive backend does, so that a page that shows many figures does not pile them up.
Select it with `MPLBACKEND=module://docbuild.headless` (the test harness does).
"""

from matplotlib.backends.backend_agg import FigureCanvasAgg, _BackendAgg


@_BackendAgg.export
class _BackendHeadless(_BackendAgg):
    FigureCanvas = FigureCanvasAgg

    @staticmethod
    def show(*args, **kwargs):
        import matplotlib.pyplot as plt

        plt.close("all")
