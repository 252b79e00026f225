import { Dialog, DialogContent, DialogTitle, Table, TableBody, TableCell, TableRow } from "@mui/material";
import { SHORTCUTS } from "./shortcuts";

export function KeyboardHelpDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} aria-labelledby="keyboard-help-title" data-testid="keyboard-help">
      <DialogTitle id="keyboard-help-title">Keyboard shortcuts</DialogTitle>
      <DialogContent>
        <Table aria-label="Keyboard shortcuts">
          <TableBody>
            {SHORTCUTS.map((s) => (
              <TableRow key={s.keys}>
                <TableCell component="th" scope="row">
                  <kbd>{s.keys}</kbd>
                </TableCell>
                <TableCell>{s.description}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </DialogContent>
    </Dialog>
  );
}
