namespace MiniMesos;

/// <summary>Bad configuration given by the user (flag, environment, file): exit code 2, message names the setting.</summary>
internal sealed class ConfigException(string message) : Exception(message);
