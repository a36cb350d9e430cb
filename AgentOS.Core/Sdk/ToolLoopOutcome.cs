namespace AgentOS.Sdk;

/// <summary>How a <see cref="ToolLoop"/> ended.</summary>
public enum ToolLoopOutcome
{
    /// <summary>The model answered without asking for more tool calls.</summary>
    Answered,

    /// <summary>The model still asked for tools at the last step <see cref="ToolLoopOptions.MaxSteps"/> allows; those
    /// calls were not run.</summary>
    StepLimit,

    /// <summary>The tokens used reached <see cref="ToolLoopOptions.MaxTotalTokens"/> while the model still asked for
    /// tools; those calls were not run.</summary>
    TokenLimit,

    /// <summary><see cref="ToolLoopOptions.TimeLimit"/> passed: the model's turn or the tool calls running then were
    /// cancelled.</summary>
    TimeLimit,
}
