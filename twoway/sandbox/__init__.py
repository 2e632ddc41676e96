"""Dev-only simulators: the sandbox wallets' pay pages (Alipay, WeChat Pay, card) and the sandbox
customs page. Installed and routed only when the sandbox switch is on (demo and test settings);
production settings never install it, so none of its URLs resolve there."""
