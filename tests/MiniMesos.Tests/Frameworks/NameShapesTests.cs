using System.Text.RegularExpressions;
using MiniMesos.Core.Frameworks;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Isolation;
using Xunit;

namespace MiniMesos.Tests.Frameworks;

/// <summary>The hand-written name checks against the regular expressions they replaced (a trailing newline, which .NET's <c>$</c> let through, is now refused).</summary>
public sealed class NameShapesTests
{
    private static readonly string[] Names =
    [
        "", "a", "A", "0", "-", "_", ".", "/", "a-", "-a", "a.", ".a", "_a", "a_", "a_b", "a.b", "a-b", "a--b", "ab",
        "web", "web-1", "Web", "w eb", "/web", "/prod/web", "prod/web", "/prod//web", "/prod/", "prod/web/", "//web",
        "/a/b.c/d-e", "/a/-b", "/a/b-", "é", "a\u0301", "١", "root", "nobody", "www-data", "x".PadRight(32, 'y'),
        "x".PadRight(33, 'y'), "PATH", "_X1", "1X", "a$", "a\tb", "ab\n", "ab\nc",
    ];

    public static TheoryData<string> All() => new(Names);

    private static bool Regex(string pattern, string value) =>
        System.Text.RegularExpressions.Regex.IsMatch(value, pattern, RegexOptions.CultureInvariant) && !value.EndsWith('\n');

    [Theory]
    [MemberData(nameof(All))]
    public void MatchTheRegexesTheyReplaced(string name)
    {
        Assert.Equal(Regex("^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,31}$", name), UserName.IsValid(name));
        Assert.Equal(Regex("^[A-Za-z_][A-Za-z0-9_]*$", name), NameShapes.IsEnvName(name));
        Assert.Equal(Regex("^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$", name), NameShapes.IsLowerSegment(name, underscore: true));
        Assert.Equal(Regex("^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$", name), NameShapes.IsLowerSegment(name, underscore: false));
        var appIdValid = !AppSpecValidator.Validate(new AppSpec(name, Cmd: "true")).Any(e => e.Path == "id");
        Assert.Equal(Regex("^(/?[a-z0-9]([a-z0-9.-]*[a-z0-9])?)(/[a-z0-9]([a-z0-9.-]*[a-z0-9])?)*$", name), appIdValid);
    }
}
