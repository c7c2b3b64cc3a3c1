"""The course's grading package.

``autograder.checks`` holds the checks that test cells call; ``autograder.grading`` is the
sandboxed grader behind ``python -m autograder grade``.
"""
