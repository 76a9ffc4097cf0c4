"""The stage engine, without Prefect: what a stage is, the plan, the result store, the jobs.

- :mod:`pipeline.stages.spec`: :class:`~pipeline.stages.spec.StageSpec`, what a stage declares
  about itself (its inputs, settings sections, code, model identity, compute, outputs);
- :mod:`pipeline.stages.plan`: the ordered :data:`~pipeline.stages.plan.STAGES`, assembled
  from each stage's own ``pipeline/<stage>/stage.py``, and the steps between them;
- :mod:`pipeline.stages.store`: the content-addressed result store and the cache keys;
- :mod:`pipeline.stages.runner`: compute one stage for one recording, or serve it from the store;
- :mod:`pipeline.stages.jobs` and :mod:`pipeline.stages.outcome`: what a batch gets and gives back;
- :mod:`pipeline.stages.progress`: progress events for whoever draws them.

``flows/`` schedules these with Prefect; tests and benchmarks can run them without it.
"""
