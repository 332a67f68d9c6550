import type { NextFunction, Request, Response } from "express";
import type { Contract, Exchange } from "./contract.ts";
import { recordVerdict } from "./ledger.ts";

/**
 * The hook every emulator runs first: checks the request it received and each JSON response it
 * sends against the service's official description, whatever route (or injected fault) answers.
 */

function exchangeOf(req: Request, path: string): Exchange {
  return { method: req.method, path, query: req.query as Record<string, unknown>, contentType: req.get("content-type")?.split(";")[0]?.trim().toLowerCase(), body: req.body };
}

/** Express middleware validating every exchange through `contract`. */
export function watchContract(contract: Contract) {
  return (req: Request, res: Response, next: NextFunction): void => {
    // Routers strip their mount path from req.path while they run; the whole path is read now.
    const path = req.path;
    let requestChecked = false;
    const checkRequest = (status: number) => {
      if (requestChecked) return;
      requestChecked = true;
      recordVerdict(contract.service, "request", contract.checkRequest(exchangeOf(req, path)), status);
    };
    const json = res.json.bind(res);
    // Checked before the bytes leave, so the client never sees an answer whose violation is not yet recorded.
    res.json = (body: unknown) => {
      checkRequest(res.statusCode);
      recordVerdict(contract.service, "response", contract.checkResponse(exchangeOf(req, path), res.statusCode, body), res.statusCode);
      return json(body);
    };
    res.on("finish", () => checkRequest(res.statusCode));
    next();
  };
}
