"""The sandboxed grader behind ``python -m autograder grade`` (see AUTOGRADING.md §3.3).

Student code runs in ``worker.py`` inside the isolation of ``sandbox.py``; the checks run in
the trusted process (``runner.py``) and reach the student's functions only through the plain
data channel of ``protocol.py``. ``engine.py`` grades a class folder with a process pool or a
Dask cluster; ``gradebook.py``, ``reports.py`` and ``feedback.py`` write the outputs.
"""
