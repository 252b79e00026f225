from __future__ import annotations

from rest_framework import serializers

from apps.users.roles import ROLES


class LoginInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False, style={"input_type": "password"})


class UserOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=ROLES))
    is_superuser = serializers.BooleanField()


class SessionOutputSerializer(serializers.Serializer):
    authenticated = serializers.BooleanField()
    user = UserOutputSerializer(allow_null=True)


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField()
