"""Training networks, and what gradient descent can see of the data (lessons 4 and 8–12).

* :mod:`csqlab.training.gd` — gradient descent as a CSQ algorithm (lesson 4): the gradient
  as ``p`` correlational queries, CSQ and exact gradient descent, the query budget.
* :mod:`csqlab.training.online` — the online loop (:func:`~csqlab.training.online.train_online`)
  and the written-out optimisers shared with the sweep engine.
* :mod:`csqlab.training.students` — seeded layers and all seeds of a run trained at once
  (stacked parameters, a batched forward per architecture), with the looped reference route.
* :mod:`csqlab.training.members` — short online runs on one member of a hard family.

Sweeps, the named experiments of the paper's results and their cache live one layer up, in
:mod:`csqlab.experiments`.
"""
