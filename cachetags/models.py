from django.db import models


class ChangeEpoch(models.Model):
    """One row: a value replaced in the transaction of every change that invalidates cache
    tags (``cachetags.epoch``). Unlike the tokens in Redis it survives a Redis flush, and
    it commits or rolls back with the change it stands for."""

    value = models.CharField(max_length=32)

    class Meta:
        verbose_name = "change epoch"

    def __str__(self) -> str:
        return self.value
